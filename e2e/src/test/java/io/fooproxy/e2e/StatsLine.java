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

    /**
     * The nested object named {@code field} (e.g. the frontend's {@code "publisher"}), to read
     * its fields without mistaking them for same-named ones elsewhere in the line.
     */
    StatsLine object(String field) {
        String key = "\"" + field + "\":{";
        int start = json.indexOf(key);
        assertThat(start).as("object field %s in %s", field, json).isNotNegative();
        start += key.length() - 1;
        int depth = 0;
        boolean inString = false;
        for (int i = start; i < json.length(); i++) {
            char c = json.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return new StatsLine(json.substring(start, i + 1));
            }
        }
        throw new AssertionError("unterminated object " + field + " in " + json);
    }

    /**
     * The object named {@code field} that is the last field of this one: the top-level {@code
     * "analytics"} (each frontend entry earlier in the line has one of its own).
     */
    StatsLine lastObject(String field) {
        int start = json.lastIndexOf("\"" + field + "\":{");
        assertThat(start).as("object field %s in %s", field, json).isNotNegative();
        return new StatsLine(json.substring(start)).object(field);
    }

    /** The first object of the array named {@code field} (e.g. the top consumer). */
    StatsLine firstOf(String field) {
        String key = "\"" + field + "\":[{";
        int start = json.indexOf(key);
        assertThat(start).as("non-empty array field %s in %s", field, json).isNotNegative();
        // "field":[{ ... } read as the object of a field named field
        return new StatsLine("\"" + field + "\":" + json.substring(start + key.length() - 1)).object(field);
    }

    boolean isStatsObject() {
        return json.startsWith("{\"msg_total\":");
    }
}
