package health.portal.deploy.zones;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Decides from NetworkPolicies and labels alone whether a connection is allowed, as the Kubernetes API defines it: a
 * pod is isolated in a direction once any policy of that type selects it, and then a connection needs a rule of
 * some selecting policy that admits the peer and the port; a connection between pods needs the source's egress and
 * the destination's ingress. Not modelled: Services (policies see pod addresses and target ports), host-network
 * pods and the kubelet's probes (CNIs let those through).
 */
public final class NetworkPolicyEvaluator {

    private final Map<String, Map<String, String>> namespaceLabels;

    private final List<NetworkPolicy> policies;

    /** @param namespaceLabels every namespace's labels, including the automatic {@code kubernetes.io/metadata.name} */
    public NetworkPolicyEvaluator(Map<String, Map<String, String>> namespaceLabels, List<NetworkPolicy> policies) {
        this.namespaceLabels = Map.copyOf(namespaceLabels);
        this.policies = List.copyOf(policies);
    }

    public boolean allows(Pod source, Pod destination, Pod.Port port) {
        return egressAllows(source, destination, destination.ip(), port) && ingressAllows(source, destination, port);
    }

    /** A connection out of the cluster (an address no pod has): only the source's egress decides. */
    public boolean allowsExternal(Pod source, String ip, Pod.Port port) {
        return egressAllows(source, null, ip, port);
    }

    private boolean egressAllows(Pod source, Pod destination, String ip, Pod.Port port) {
        List<NetworkPolicy> selecting = selecting(source, "Egress");
        if (selecting.isEmpty()) {
            return true;
        }
        for (NetworkPolicy policy : selecting) {
            String namespace = policy.getMetadata().getNamespace();
            for (var rule : nullToEmpty(policy.getSpec().getEgress())) {
                if (anyPeer(rule.getTo(), namespace, destination, ip) && anyPort(rule.getPorts(), port)) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean ingressAllows(Pod source, Pod destination, Pod.Port port) {
        List<NetworkPolicy> selecting = selecting(destination, "Ingress");
        if (selecting.isEmpty()) {
            return true;
        }
        for (NetworkPolicy policy : selecting) {
            String namespace = policy.getMetadata().getNamespace();
            for (var rule : nullToEmpty(policy.getSpec().getIngress())) {
                if (anyPeer(rule.getFrom(), namespace, source, source.ip()) && anyPort(rule.getPorts(), port)) {
                    return true;
                }
            }
        }
        return false;
    }

    private List<NetworkPolicy> selecting(Pod pod, String type) {
        return policies.stream()
                .filter(policy -> pod.namespace().equals(policy.getMetadata().getNamespace()))
                .filter(policy -> selects(policy.getSpec().getPodSelector(), pod.labels()))
                .filter(policy -> types(policy).contains(type))
                .toList();
    }

    /** Without policyTypes a policy is of type Ingress, and also Egress when it has egress rules (API default). */
    private static List<String> types(NetworkPolicy policy) {
        List<String> types = policy.getSpec().getPolicyTypes();
        if (types != null && !types.isEmpty()) {
            return types;
        }
        return policy.getSpec().getEgress() == null
                        || policy.getSpec().getEgress().isEmpty()
                ? List.of("Ingress")
                : List.of("Ingress", "Egress");
    }

    /** No peers: every peer. An ipBlock matches addresses (pods' too); selectors match pods only. */
    private boolean anyPeer(List<NetworkPolicyPeer> peers, String policyNamespace, Pod pod, String ip) {
        if (peers == null || peers.isEmpty()) {
            return true;
        }
        for (NetworkPolicyPeer peer : peers) {
            if (peer.getIpBlock() != null) {
                if (inBlock(peer.getIpBlock(), ip)) {
                    return true;
                }
                continue;
            }
            if (pod == null) {
                continue;
            }
            boolean namespaceMatches = peer.getNamespaceSelector() == null
                    ? pod.namespace().equals(policyNamespace)
                    : selects(peer.getNamespaceSelector(), namespaceLabels.getOrDefault(pod.namespace(), Map.of()));
            boolean podMatches = peer.getPodSelector() == null || selects(peer.getPodSelector(), pod.labels());
            if (namespaceMatches && podMatches) {
                return true;
            }
        }
        return false;
    }

    /** No ports: every port. A named port names the destination's container port. */
    private static boolean anyPort(List<NetworkPolicyPort> ports, Pod.Port port) {
        if (ports == null || ports.isEmpty()) {
            return true;
        }
        for (NetworkPolicyPort allowed : ports) {
            String protocol = Objects.requireNonNullElse(allowed.getProtocol(), "TCP");
            if (!protocol.equals(port.protocol())) {
                continue;
            }
            IntOrString value = allowed.getPort();
            if (value == null) {
                return true;
            }
            if (value.getIntVal() != null) {
                int first = value.getIntVal();
                int last = allowed.getEndPort() == null ? first : allowed.getEndPort();
                if (port.number() >= first && port.number() <= last) {
                    return true;
                }
            } else if (value.getStrVal() != null && value.getStrVal().equals(port.name())) {
                return true;
            }
        }
        return false;
    }

    static boolean selects(LabelSelector selector, Map<String, String> labels) {
        if (selector == null) {
            return true;
        }
        if (selector.getMatchLabels() != null) {
            for (var label : selector.getMatchLabels().entrySet()) {
                if (!label.getValue().equals(labels.get(label.getKey()))) {
                    return false;
                }
            }
        }
        for (LabelSelectorRequirement requirement : nullToEmpty(selector.getMatchExpressions())) {
            String value = labels.get(requirement.getKey());
            List<String> values = nullToEmpty(requirement.getValues());
            boolean matches = switch (requirement.getOperator()) {
                case "In" -> value != null && values.contains(value);
                case "NotIn" -> value == null || !values.contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> throw new IllegalArgumentException("unknown selector operator " + requirement.getOperator());
            };
            if (!matches) {
                return false;
            }
        }
        return true;
    }

    static boolean inBlock(IPBlock block, String ip) {
        if (ip == null || !contains(block.getCidr(), ip)) {
            return false;
        }
        return nullToEmpty(block.getExcept()).stream().noneMatch(except -> contains(except, ip));
    }

    private static boolean contains(String cidr, String ip) {
        String[] parts = cidr.split("/");
        int bits = Integer.parseInt(parts[1]);
        long mask = bits == 0 ? 0 : 0xFFFFFFFFL << (32 - bits) & 0xFFFFFFFFL;
        return (ipv4(parts[0]) & mask) == (ipv4(ip) & mask);
    }

    private static long ipv4(String address) {
        String[] octets = address.split("\\.");
        if (octets.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + address);
        }
        long value = 0;
        for (String octet : octets) {
            value = value << 8 | Integer.parseInt(octet);
        }
        return value;
    }

    private static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
