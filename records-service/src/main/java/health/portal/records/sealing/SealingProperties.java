package health.portal.records.sealing;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * records.sealing.*: the private key that opens what messaging-service sealed to records-service's public key.
 *
 * @param keyId      the key's name (RECORDS_SEALING_KEY_ID); a box names the key it was sealed to
 * @param privateKey PEM, PKCS #8 RSA (RECORDS_SEALING_PRIVATE_KEY); without it sealed requests are refused
 */
@ConfigurationProperties("records.sealing")
public record SealingProperties(String keyId, String privateKey) {}
