package health.portal.gateway.security;

import org.springframework.data.redis.serializer.JdkSerializationRedisSerializer;
import org.springframework.data.redis.serializer.RedisSerializer;
import org.springframework.data.redis.serializer.SerializationException;

/**
 * How Spring Session writes every value of a browser session (the security context with the ID token and the
 * patient's name, e-mail and patient id, the access and refresh tokens) to Redis: Java serialization, then sealed
 * with {@link SessionEncryption}. Whoever reads Redis (a backup, a replica, a stolen dump) without the key, which
 * only the gateway's environment holds, reads nothing of the patient.
 */
final class EncryptedSessionSerializer implements RedisSerializer<Object> {

    /**
     * Stands for a value that cannot be opened (sealed with a key no longer configured, or altered in Redis): the
     * session it belongs to is treated as absent, so its browser simply signs in again instead of seeing an error.
     */
    enum Unreadable {
        VALUE
    }

    private final SessionEncryption encryption;

    private final JdkSerializationRedisSerializer java;

    EncryptedSessionSerializer(SessionEncryption encryption, ClassLoader classLoader) {
        this.encryption = encryption;
        this.java = new JdkSerializationRedisSerializer(classLoader);
    }

    @Override
    public byte[] serialize(Object value) throws SerializationException {
        if (value == null) {
            return new byte[0];
        }
        return encryption.seal(java.serialize(value));
    }

    @Override
    public Object deserialize(byte[] bytes) throws SerializationException {
        if (bytes == null || bytes.length == 0) {
            return null;
        }
        return encryption.open(bytes).<Object>map(java::deserialize).orElse(Unreadable.VALUE);
    }
}
