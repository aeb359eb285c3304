package health.portal.messaging.notices;

import health.portal.platform.security.ServiceToken;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.SimpleClientHttpRequestFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.RestClient;

import java.util.Optional;

/** The patient's notice address, from identity-service ({@code GET /internal/contacts/{patientId}}), never stored. */
@Component
class ContactDirectory {

    record Contact(String email) {}

    private final RestClient identity;
    private final ServiceToken token;

    ContactDirectory(NoticeProperties properties, ServiceToken token) {
        SimpleClientHttpRequestFactory requests = new SimpleClientHttpRequestFactory();
        requests.setConnectTimeout(properties.requestTimeout());
        requests.setReadTimeout(properties.requestTimeout());
        this.identity = RestClient.builder()
                .baseUrl(properties.contactsUri().toString())
                .requestFactory(requests)
                .build();
        this.token = token;
    }

    /**
     * @return empty when the patient has no active account with an address (404)
     * @throws RuntimeException when identity-service or Keycloak does not answer: the notice is tried again later
     */
    Optional<String> noticeAddress(String patientId) {
        try {
            Contact contact = identity.get()
                    .uri("/internal/contacts/{patientId}", patientId)
                    .header("Authorization", "Bearer " + token.get())
                    .retrieve()
                    .body(Contact.class);
            return Optional.ofNullable(contact).map(Contact::email).filter(e -> !e.isBlank());
        } catch (HttpClientErrorException e) {
            if (e.getStatusCode() == HttpStatus.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
