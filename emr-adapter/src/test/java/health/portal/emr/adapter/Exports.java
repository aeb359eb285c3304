package health.portal.emr.adapter;

import org.hl7.fhir.r4.model.Bundle;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** A patient's streamed export, as its JSON and as the Bundle a client parses from it. */
final class Exports {

    private Exports() {}

    static String json(EmrClient emr, String patientId) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            emr.openExport(patientId).writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    static Bundle bundle(EmrClient emr, String patientId) {
        return emr.fhirContext().newJsonParser().parseResource(Bundle.class, json(emr, patientId));
    }
}
