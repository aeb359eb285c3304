package health.portal.gateway.termination;

import com.google.protobuf.InvalidProtocolBufferException;
import health.portal.platform.events.Topics;
import health.portal.proto.events.v1.AccessTerminated;
import health.portal.proto.events.v1.EventEnvelope;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;

/**
 * Consumes identity events; an AccessTerminated puts the user's subject on the deny list: this replica refuses it at
 * once, the others when they next refresh their copy from Redis ({@link DenyList}). The group is shared by the
 * replicas on purpose: one of them stores each termination in Redis (retrying until it can), and Redis is what every
 * replica, also one started later, reads. Idempotent by nature (setting the entry twice changes nothing), so no inbox
 * is needed here.
 */
@Component
class AccessTerminatedListener {

    private static final Logger log = LoggerFactory.getLogger(AccessTerminatedListener.class);

    private final DenyList denyList;

    AccessTerminatedListener(DenyList denyList) {
        this.denyList = denyList;
    }

    @KafkaListener(
            id = "gateway-access-terminated",
            groupId = "gateway-access-terminated",
            topics = Topics.IDENTITY_EVENTS)
    void onIdentityEvent(ConsumerRecord<String, byte[]> record) throws InvalidProtocolBufferException {
        EventEnvelope envelope;
        try {
            envelope = EventEnvelope.parseFrom(record.value());
        } catch (InvalidProtocolBufferException ex) {
            log.warn(
                    "Skipping a record that is not an EventEnvelope at {}-{}@{}",
                    record.topic(),
                    record.partition(),
                    record.offset());
            return;
        }
        if (!envelope.getPayload().is(AccessTerminated.class)) {
            return;
        }
        AccessTerminated terminated = envelope.getPayload().unpack(AccessTerminated.class);
        if (terminated.getUserId().isBlank()) {
            log.warn("AccessTerminated event {} names no user; nothing to refuse", envelope.getEventId());
            return;
        }
        // Block until Redis has it: the offset is committed only once every replica can see the entry.
        denyList.deny(terminated.getUserId()).block(java.time.Duration.ofSeconds(10));
        log.info("Access terminated for subject {} (event {})", terminated.getUserId(), envelope.getEventId());
    }
}
