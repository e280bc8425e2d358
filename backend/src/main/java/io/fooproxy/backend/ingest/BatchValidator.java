package io.fooproxy.backend.ingest;

import io.fooproxy.proto.telemetry.v1.TelemetryBatch;

/** The checks a batch must pass before it is applied; each failure says what is wrong. */
final class BatchValidator {

    /** Longer names are refused: they end up in every stats line and log. */
    static final int MAX_FRONTEND_ID_LENGTH = 256;

    private BatchValidator() {}

    /**
     * Why the batch must be refused, or null if it is fine.
     *
     * @param streamFrontendId the frontend_id of the stream's earlier batches (null: first batch)
     * @param streamIncarnation the incarnation of the stream's earlier batches
     */
    static String problem(TelemetryBatch batch, String streamFrontendId, long streamIncarnation) {
        String id = batch.getFrontendId();
        if (id.isEmpty()) {
            return "frontend_id is empty";
        }
        if (id.length() > MAX_FRONTEND_ID_LENGTH) {
            return "frontend_id is " + id.length() + " characters long (at most "
                    + MAX_FRONTEND_ID_LENGTH + ")";
        }
        for (int i = 0; i < id.length(); i++) {
            if (Character.isISOControl(id.charAt(i))) {
                return "frontend_id contains a control character";
            }
        }
        if (batch.getSequence() == 0) {
            return "sequence is 0 (sequences start at 1)";
        }
        if (batch.getSequence() < 0) {
            return "sequence " + Long.toUnsignedString(batch.getSequence()) + " is out of range";
        }
        if (streamFrontendId != null && !streamFrontendId.equals(id)) {
            return "frontend_id changed within a stream from " + streamFrontendId + " to " + id;
        }
        if (streamFrontendId != null && streamIncarnation != batch.getIncarnation()) {
            return "incarnation changed within a stream";
        }
        return null;
    }
}
