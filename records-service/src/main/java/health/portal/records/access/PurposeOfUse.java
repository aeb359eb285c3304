package health.portal.records.access;

import java.util.Optional;

/**
 * Why a member of staff opens a patient's record, stated with each call (metadata {@code x-purpose-of-use}) and kept
 * in the audit: HL7 v3 PurposeOfUse codes, a closed list rather than free text, because an audit entry must never
 * carry health information and free text invites it ("checking her biopsy").
 */
public enum PurposeOfUse {
    TREAT("treatment"),
    ETREAT("emergency treatment"),
    HPAYMT("payment"),
    HOPERAT("health care operations"),
    PATRQT("requested by the patient"),
    HLEGAL("legal requirement"),
    PUBHLTH("public health");

    private final String display;

    PurposeOfUse(String display) {
        this.display = display;
    }

    public String display() {
        return display;
    }

    public static Optional<PurposeOfUse> of(String code) {
        if (code == null) {
            return Optional.empty();
        }
        for (PurposeOfUse p : values()) {
            if (p.name().equals(code.trim())) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
