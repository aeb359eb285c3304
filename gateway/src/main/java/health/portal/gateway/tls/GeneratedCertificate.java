package health.portal.gateway.tls;

import java.security.cert.X509Certificate;
import java.util.Optional;

/** The self-signed certificate generated for a local run, if any (clients of local runs may pin it). */
public class GeneratedCertificate {

    private volatile X509Certificate certificate;

    void set(X509Certificate certificate) {
        this.certificate = certificate;
    }

    public Optional<X509Certificate> certificate() {
        return Optional.ofNullable(certificate);
    }
}
