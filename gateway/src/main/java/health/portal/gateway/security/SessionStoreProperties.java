package health.portal.gateway.security;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How browser sessions are kept in Redis.
 *
 * @param encryptionKeys the key ring sealing every session value, {@code id:base64key[,id:base64key...]}: the first
 *                       key encrypts, all decrypt (see {@link SessionEncryption}). No default: a key in the
 *                       repository or in Redis would protect nothing.
 */
@ConfigurationProperties("gateway.session")
record SessionStoreProperties(String encryptionKeys) {}
