package health.portal.emr.adapter;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.IParser;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import org.apache.commons.io.output.CloseShieldWriter;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.Resource;

import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Date;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One patient's whole record as a FHIR R4 collection Bundle (ONC 170.315(e)(1)) in JSON, written while it is read
 * from the EMR: the Bundle's opening, then each entry as its page arrives, then the closing. Memory stays at one page
 * of resources plus the ids seen so far (an entry is written once even when two searches return it), whatever the
 * size of the record. No {@code Bundle.total}: FHIR allows it on search results and histories only (bdl-1).
 *
 * <p>When the EMR fails part way, {@link #writeTo} throws and the output ends without its closing: the caller must
 * then tell its client that the export failed rather than pass on what was written as a whole record.
 */
public final class BundleExport {

    private final FhirContext fhir;
    private final String baseUrl;
    private final Patient patient;
    private final List<String> types;
    private final ExportPages pages;

    BundleExport(FhirContext fhir, String baseUrl, Patient patient, List<String> types, ExportPages pages) {
        this.fhir = fhir;
        this.baseUrl = baseUrl;
        this.patient = patient;
        this.types = types;
        this.pages = pages;
    }

    /**
     * Writes the Bundle to {@code out}, flushing it at the end but not closing it.
     *
     * @throws EmrException when the EMR fails or answers invalid FHIR part way (the output is then incomplete)
     * @throws IOException  when {@code out} does (a client that went away)
     */
    public void writeTo(OutputStream out) throws IOException {
        Writer writer = new OutputStreamWriter(out, StandardCharsets.UTF_8);
        // HAPI closes the writer it encodes to; the Bundle goes on after each resource
        Writer resourceWriter = CloseShieldWriter.wrap(writer);
        IParser parser = fhir.newJsonParser();
        String opening = opening(parser);
        writer.write(opening, 0, opening.length() - 1);
        writer.write(",\"entry\":[");
        String patientId = patient.getIdElement().getIdPart();
        Set<String> seen = new HashSet<>();
        seen.add("Patient/" + patientId);
        writeEntry(writer, resourceWriter, parser, "Patient/" + patientId, patient, true);
        for (String type : types) {
            pages.forEachPage(type, patientId, resources -> {
                for (Resource r : resources) {
                    String key = type + "/" + r.getIdElement().getIdPart();
                    if (seen.add(key)) {
                        writeEntry(writer, resourceWriter, parser, key, r, false);
                    }
                }
            });
        }
        writer.write("]}");
        writer.flush();
    }

    /** The Bundle's own elements, by HAPI, so that the timestamp has FHIR's instant format. */
    private static String opening(IParser parser) {
        Bundle head = new Bundle();
        head.setType(Bundle.BundleType.COLLECTION);
        head.setTimestamp(new Date());
        String json = parser.encodeResourceToString(head);
        if (!json.endsWith("}")) {
            throw new IllegalStateException("unexpected JSON of an empty Bundle");
        }
        return json;
    }

    private void writeEntry(
            Writer writer, Writer resourceWriter, IParser parser, String key, Resource resource, boolean first)
            throws IOException {
        writer.write(first ? "{\"fullUrl\":\"" : ",{\"fullUrl\":\"");
        writer.write(JsonStringEncoder.getInstance().quoteAsString(baseUrl + "/" + key));
        writer.write("\",\"resource\":");
        parser.encodeResourceToWriter(resource, resourceWriter);
        writer.write('}');
    }
}
