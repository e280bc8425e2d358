package io.fooproxy.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads fields out of one stats JSON line, as an operator's script would. */
record StatsLine(String json) {

    long integer(String field) {
        Matcher m = Pattern.compile("\"" + field + "\":(-?\\d+)[,}]").matcher(json);
        assertThat(m.find()).as("integer field %s in %s", field, json).isTrue();
        return Long.parseLong(m.group(1));
    }

    double number(String field) {
        Matcher m = Pattern.compile("\"" + field + "\":(-?[0-9.eE+-]+)[,}]").matcher(json);
        assertThat(m.find()).as("number field %s in %s", field, json).isTrue();
        return Double.parseDouble(m.group(1));
    }

    String string(String field) {
        Matcher m = Pattern.compile("\"" + field + "\":\"([^\"]*)\"").matcher(json);
        return m.find() ? m.group(1) : "";
    }

    long responses() {
        return integer("msg_ack") + integer("msg_nak");
    }

    boolean isStatsObject() {
        return json.startsWith("{\"msg_total\":");
    }
}
