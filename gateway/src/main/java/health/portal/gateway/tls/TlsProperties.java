package health.portal.gateway.tls;

import org.springframework.boot.context.properties.ConfigurationProperties;

import java.util.List;

/**
 * HTTPS settings of the public side.
 *
 * @param selfSigned       generate a self-signed certificate when no key store is configured (local runs only)
 * @param hostnames        names the self-signed certificate is valid for
 * @param redirectPort     the plain-HTTP port that only redirects to HTTPS (0 picks a free port, -1 disables)
 * @param redirectAddress  where the redirect listener binds
 * @param publicHttpsPort  the HTTPS port named in redirects (0: the port this gateway listens on)
 */
@ConfigurationProperties("gateway.tls")
public record TlsProperties(
        boolean selfSigned, List<String> hostnames, int redirectPort, String redirectAddress, int publicHttpsPort) {

    public TlsProperties {
        hostnames = hostnames == null || hostnames.isEmpty() ? List.of("localhost", "127.0.0.1") : hostnames;
        redirectAddress = redirectAddress == null || redirectAddress.isBlank() ? "0.0.0.0" : redirectAddress;
    }
}
