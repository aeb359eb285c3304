package health.portal.emr.sandbox.store;

/**
 * Search fields of one resource. Tokens are {@code system|code} (system may be empty); dates are epoch millis of
 * the earliest and latest instant the resource's date covers, or {@link Long#MIN_VALUE} when it has no date.
 */
record ResourceIndex(
        String patientId,
        long dateLow,
        long dateHigh,
        String[] codes,
        String[] categories,
        String[] identifiers,
        String[] actors,
        String[] names) {

    static final String[] NONE = new String[0];

    boolean hasDate() {
        return dateLow != Long.MIN_VALUE;
    }
}
