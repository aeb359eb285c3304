package health.portal.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.authentication.BearerTokenAuthenticationToken;
import org.springframework.security.oauth2.server.resource.web.server.authentication.ServerBearerTokenAuthenticationConverter;

import java.util.Optional;

/** The loop reads the Authorization header exactly as Spring Security's converter (the rule it replaces) does. */
class BearerTokenConverterTest {

    private static final String JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2lnbmF0dXJl_-~+/";

    @ParameterizedTest
    @ValueSource(
            strings = {
                "Bearer " + JWT,
                "bearer " + JWT,
                "BEARER " + JWT,
                "Bearer abc==",
                "Bearer a=",
                "Bearer =",
                "Bearer ",
                "Bearer",
                "Bearerabc",
                "Bearer  abc",
                "Bearer abc ",
                "Bearer a=b",
                "Bearer ab\tc",
                "Bearer abc\u00e9",
                "Bearer a,b",
                "Bearer:abc",
                "Basic dXNlcjpwYXNz",
                "Digest x",
                "",
                "bear",
            })
    void readsTheHeaderAsSpringSecurityDoes(String authorization) {
        assertThat(outcome(new BearerTokenConverter(), authorization))
                .as("Authorization: %s", authorization)
                .isEqualTo(outcome(new ServerBearerTokenAuthenticationConverter(), authorization));
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer " + JWT, "bearer " + JWT})
    void aWellFormedTokenIsTaken(String authorization) {
        assertThat(outcome(new BearerTokenConverter(), authorization)).isEqualTo("token " + JWT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"Bearer ", "Bearer a b", "Bearer abc\u00e9", "Bearer a=b"})
    void aMalformedTokenIsAnInvalidTokenError(String authorization) {
        assertThatThrownBy(() -> BearerTokenConverter.token(authorization))
                .isInstanceOfSatisfying(
                        OAuth2AuthenticationException.class,
                        e -> assertThat(e.getError().getErrorCode()).isEqualTo("invalid_token"));
    }

    /** What a converter makes of the header: the token, no token, or the error code it fails with. */
    private static String outcome(
            org.springframework.security.web.server.authentication.ServerAuthenticationConverter converter,
            String authorization) {
        MockServerWebExchange exchange = MockServerWebExchange.from(
                MockServerHttpRequest.get("/api/me").header(HttpHeaders.AUTHORIZATION, authorization));
        try {
            Optional<Authentication> authentication =
                    converter.convert(exchange).blockOptional();
            return authentication
                    .map(a -> "token " + ((BearerTokenAuthenticationToken) a).getToken())
                    .orElse("none");
        } catch (OAuth2AuthenticationException e) {
            return "error " + e.getError().getErrorCode() + ": " + e.getError().getDescription();
        }
    }
}
