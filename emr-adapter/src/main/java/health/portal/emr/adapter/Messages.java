package health.portal.emr.adapter;

import ca.uhn.fhir.rest.gclient.TokenClientParam;
import health.portal.proto.FhirIds;
import health.portal.proto.records.v1.FiledMessage;
import org.hl7.fhir.r4.model.Communication;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Reads the patient's filed messages back from the record, by the portal's thread identifiers. */
record Messages(FhirAccess access, ResourceReads reads) {

    static final int MAX_THREADS = 100;
    private static final Pattern THREAD_ID = Pattern.compile("[A-Za-z0-9._~:\\-]{1,128}");

    List<FiledMessage> communications(String patientId, List<String> threadIds, boolean withData) {
        FhirIds.require(patientId, "patient_id");
        if (threadIds.isEmpty() || threadIds.size() > MAX_THREADS) {
            throw new IllegalArgumentException("thread_ids must name 1-" + MAX_THREADS + " threads");
        }
        for (String id : threadIds) {
            if (id == null || !THREAD_ID.matcher(id).matches()) {
                throw new IllegalArgumentException("thread_ids must be 1-128 characters of [A-Za-z0-9._~:-]");
            }
        }
        reads.requirePatientProfile(patientId);
        Set<String> wanted = Set.copyOf(threadIds);
        String subject = "Patient/" + patientId;
        return access
                .searchAll(
                        Communication.class,
                        patientId,
                        new TokenClientParam("identifier")
                                .exactly()
                                .systemAndValues(EmrClient.THREAD_SYSTEM, List.copyOf(wanted)),
                        null,
                        null)
                .stream()
                // not on trust: a message in the thread is the patient's only when the patient is its subject
                .filter(c -> subject.equals(c.getSubject().getReference()))
                .filter(c -> MessageMapping.identifier(c, EmrClient.THREAD_SYSTEM)
                        .filter(wanted::contains)
                        .isPresent())
                .sorted(Comparator.comparing((Communication c) -> MessageMapping.identifier(c, EmrClient.THREAD_SYSTEM)
                                .orElse(""))
                        .thenComparing(Communication::getSent, Comparator.nullsLast(Comparator.naturalOrder())))
                .map(c -> MessageMapping.filedMessage(c, patientId, withData))
                .toList();
    }
}
