package health.portal.gateway.web;

import health.portal.platform.problem.Problems;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import reactor.netty.NettyPipeline;

import java.net.URI;

/**
 * Requests so broken that Spring never sees them (a request line or header Netty cannot parse, headers or URL over
 * the limits, a URL that is no URI) are answered by Reactor Netty with a bare status line, or by Spring's adapter
 * with an empty 400, both without the security headers. This handler sits right behind Netty's HTTP/1.1 decoder
 * and answers them itself: a problem with the security headers, then the connection closes (what follows on it
 * cannot be framed reliably). HTTP/2 frames such errors per stream and resets it instead.
 */
@Component
class MalformedRequests implements WebServerFactoryCustomizer<NettyReactiveWebServerFactory> {

    private static final String INSTALLER = "portal.malformedRequests.installer";

    private static final String HANDLER = "portal.malformedRequests";

    @Override
    public void customize(NettyReactiveWebServerFactory factory) {
        factory.addServerCustomizers(server -> server.doOnChannelInit((observer, channel, remote) -> {
            ChannelPipeline pipeline = channel.pipeline();
            if (pipeline.get(NettyPipeline.HttpCodec) != null) {
                pipeline.addAfter(NettyPipeline.HttpCodec, HANDLER, new Responder());
            } else if (pipeline.get(NettyPipeline.H2OrHttp11Codec) != null) {
                // the HTTP/1.1 codec comes only once TLS has negotiated the protocol (ALPN)
                pipeline.addBefore(NettyPipeline.H2OrHttp11Codec, INSTALLER, new Installer());
            }
        }));
    }

    /** Waits for the first bytes after the handshake, when the protocol's handlers are in place. */
    private static final class Installer extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ChannelPipeline pipeline = ctx.pipeline();
            if (pipeline.get(NettyPipeline.HttpCodec) != null && pipeline.get(HANDLER) == null) {
                pipeline.addAfter(NettyPipeline.HttpCodec, HANDLER, new Responder());
            }
            pipeline.remove(this);
            ctx.fireChannelRead(msg);
        }
    }

    /** One per connection: after a refused request the rest of what the client sends is dropped. */
    private static final class Responder extends ChannelInboundHandlerAdapter {

        private boolean refused;

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (refused) {
                ReferenceCountUtil.release(msg);
                return;
            }
            if (msg instanceof HttpRequest request) {
                HttpStatus status = statusFor(request);
                if (status != null) {
                    refused = true;
                    ReferenceCountUtil.release(msg);
                    ctx.writeAndFlush(problem(status)).addListener(ChannelFutureListener.CLOSE);
                    return;
                }
            }
            ctx.fireChannelRead(msg);
        }

        private static HttpStatus statusFor(HttpRequest request) {
            if (request.decoderResult().isFailure()) {
                Throwable cause = request.decoderResult().cause();
                if (cause instanceof TooLongHttpHeaderException) {
                    return HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE;
                }
                if (cause instanceof TooLongHttpLineException) {
                    return HttpStatus.URI_TOO_LONG;
                }
                return cause instanceof TooLongFrameException
                        ? HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                        : HttpStatus.BAD_REQUEST;
            }
            try {
                URI.create(request.uri()); // what Spring's adapter needs; it answers an empty 400 otherwise
                return null;
            } catch (IllegalArgumentException notAUri) {
                return HttpStatus.BAD_REQUEST;
            }
        }

        private static FullHttpResponse problem(HttpStatus status) {
            byte[] body = Problems.json(
                    Problems.problem(status, Problems.slugFor(status), status.getReasonPhrase(), detail(status)));
            FullHttpResponse response = new DefaultFullHttpResponse(
                    HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status.value()), Unpooled.wrappedBuffer(body));
            HttpHeaders security = new HttpHeaders();
            SecurityHeaders.apply(security, true); // this listener is HTTPS only
            security.forEach((name, values) -> response.headers().set(name, values));
            response.headers()
                    .set(HttpHeaderNames.CONTENT_TYPE, "application/problem+json")
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            return response;
        }

        private static String detail(HttpStatus status) {
            return switch (status) {
                case REQUEST_HEADER_FIELDS_TOO_LARGE -> "The request's headers are too large.";
                case URI_TOO_LONG -> "The request's URL is too long.";
                default -> "The request is not valid HTTP.";
            };
        }
    }
}
