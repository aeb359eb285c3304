package health.portal.identity.directory;

import java.time.LocalDate;

/** The EMR's list of patients, as far as identity-service may know it: does this patient exist with this birth date. */
public interface PatientDirectory {

    /**
     * @return true if the EMR has a patient with this id and this birth date
     * @throws health.portal.platform.problem.DependencyUnavailableException when the EMR cannot be asked
     */
    boolean verify(String patientId, LocalDate birthDate);
}
