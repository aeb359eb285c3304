package health.portal.messaging;

import health.portal.platform.security.sealing.SealedBox;
import health.portal.testsupport.StatefulServiceContract;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.security.KeyPairGenerator;

/** messaging-service boots on its own PostgreSQL database, migrates it, reports ready and refuses calls without a token. */
class MessagingServiceBootTest extends StatefulServiceContract {

    /** What a deployment must give it: records-service's public sealing key, its own client secret. */
    @DynamicPropertySource
    static void required(DynamicPropertyRegistry registry) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        String pem = SealedBox.pem(
                "PUBLIC KEY", generator.generateKeyPair().getPublic().getEncoded());
        registry.add("portal.messaging.sealing.key-id", () -> "boot-test");
        registry.add("portal.messaging.sealing.public-key", () -> pem);
        registry.add("portal.messaging.keycloak.client-secret", () -> "not-used-here");
    }
}
