package health.portal.emr.adapter.smart;

import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.RSAPrivateKey;

/** The two algorithms SMART Backend Services requires EMRs to support. */
public enum SigningAlgorithm {
    RS384("SHA384withRSA"),
    // JOSE wants the raw R||S signature, which the JDK gives with the P1363 format
    ES384("SHA384withECDSAinP1363Format");

    private final String jcaName;

    SigningAlgorithm(String jcaName) {
        this.jcaName = jcaName;
    }

    public String jcaName() {
        return jcaName;
    }

    public static SigningAlgorithm forKey(PrivateKey key) {
        if (key instanceof RSAPrivateKey) {
            return RS384;
        }
        if (key instanceof ECPrivateKey ec
                && ec.getParams().getCurve().getField().getFieldSize() == 384) {
            return ES384;
        }
        throw new IllegalArgumentException("SMART backend key must be RSA (RS384) or EC P-384 (ES384)");
    }
}
