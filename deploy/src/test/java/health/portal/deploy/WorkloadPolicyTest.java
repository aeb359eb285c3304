package health.portal.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import health.portal.deploy.RenderedManifests.Overlay;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The rules every workload of the portal follows, checked on the rendered overlays: non-root, read-only root file
 * system, no privilege escalation, no capabilities, the runtime's seccomp profile, requests and limits, probes for
 * the long-running ones, a pinned image, no service-account token; and a default deny in every namespace. Each
 * violation names its object. (The operators' pods are the operators' to harden: CloudNativePG, Strimzi and the
 * Keycloak Operator run theirs non-root with their own security contexts.)
 */
class WorkloadPolicyTest {

    /** name[:tag][@digest]; the tag must be there (or a digest), and not be latest. */
    static final Pattern IMAGE =
            Pattern.compile("^(?<name>[^@]+?)(?::(?<tag>[\\w][\\w.-]{0,127}))?(?:@(?<digest>sha256:[0-9a-f]{64}))?$");

    record Workload(HasMetadata owner, PodSpec pod, boolean longRunning) {}

    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void everyContainerIsHardened(String overlay) {
        List<String> violations = new ArrayList<>();
        List<Workload> workloads = workloads(RenderedManifests.overlay(overlay));
        assertThat(workloads).hasSizeGreaterThanOrEqualTo(7);
        for (Workload workload : workloads) {
            String owner = RenderedManifests.describe(workload.owner());
            PodSpec pod = workload.pod();
            PodSecurityContext podContext =
                    Optional.ofNullable(pod.getSecurityContext()).orElseGet(PodSecurityContext::new);
            if (!Boolean.FALSE.equals(pod.getAutomountServiceAccountToken())) {
                violations.add(owner + ": automountServiceAccountToken is not false");
            }
            List<Container> containers = new ArrayList<>(pod.getContainers());
            containers.addAll(Objects.requireNonNullElse(pod.getInitContainers(), List.of()));
            for (Container container : containers) {
                String where = owner + " container " + container.getName();
                check(container, podContext, workload.longRunning(), where, violations);
            }
        }
        assertThat(violations).as("overlay %s", overlay).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void noServiceAccountGetsAToken(String overlay) {
        List<String> violations = RenderedManifests.overlay(overlay).all(ServiceAccount.class).stream()
                .filter(account -> !Boolean.FALSE.equals(account.getAutomountServiceAccountToken()))
                .map(account -> RenderedManifests.describe(account) + ": automountServiceAccountToken is not false")
                .toList();
        assertThat(violations).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"local", "production"})
    void everyNamespaceDeniesByDefault(String overlay) {
        Overlay rendered = RenderedManifests.overlay(overlay);
        List<String> open = new ArrayList<>();
        for (Namespace namespace : rendered.all(Namespace.class)) {
            String name = namespace.getMetadata().getName();
            boolean denied = rendered.all(NetworkPolicy.class).stream()
                    .filter(policy -> name.equals(policy.getMetadata().getNamespace()))
                    .anyMatch(WorkloadPolicyTest::isDefaultDeny);
            if (!denied) {
                open.add(RenderedManifests.describe(namespace)
                        + ": no NetworkPolicy selecting every pod with policyTypes Ingress and Egress and no rule");
            }
        }
        assertThat(rendered.all(Namespace.class)).hasSize(5);
        assertThat(open).isEmpty();
    }

    static boolean isDefaultDeny(NetworkPolicy policy) {
        var spec = policy.getSpec();
        var selector = spec.getPodSelector();
        boolean everyPod = selector != null
                && (selector.getMatchLabels() == null
                        || selector.getMatchLabels().isEmpty())
                && (selector.getMatchExpressions() == null
                        || selector.getMatchExpressions().isEmpty());
        return everyPod
                && spec.getPolicyTypes() != null
                && spec.getPolicyTypes().containsAll(List.of("Ingress", "Egress"))
                && (spec.getIngress() == null || spec.getIngress().isEmpty())
                && (spec.getEgress() == null || spec.getEgress().isEmpty());
    }

    private static void check(
            Container container, PodSecurityContext pod, boolean longRunning, String where, List<String> violations) {
        SecurityContext context =
                Optional.ofNullable(container.getSecurityContext()).orElseGet(SecurityContext::new);
        boolean nonRoot = Boolean.TRUE.equals(context.getRunAsNonRoot())
                || (context.getRunAsNonRoot() == null && Boolean.TRUE.equals(pod.getRunAsNonRoot()));
        Long user = context.getRunAsUser() != null ? context.getRunAsUser() : pod.getRunAsUser();
        if (!nonRoot || Long.valueOf(0).equals(user)) {
            violations.add(where + ": not runAsNonRoot (or runs as uid 0)");
        }
        if (!Boolean.TRUE.equals(context.getReadOnlyRootFilesystem())) {
            violations.add(where + ": readOnlyRootFilesystem is not true");
        }
        if (!Boolean.FALSE.equals(context.getAllowPrivilegeEscalation())) {
            violations.add(where + ": allowPrivilegeEscalation is not false");
        }
        if (Boolean.TRUE.equals(context.getPrivileged())) {
            violations.add(where + ": privileged");
        }
        List<String> dropped = context.getCapabilities() == null
                ? List.of()
                : Objects.requireNonNullElse(context.getCapabilities().getDrop(), List.of());
        if (!dropped.contains("ALL")) {
            violations.add(where + ": capabilities do not drop ALL");
        }
        if (context.getCapabilities() != null
                && context.getCapabilities().getAdd() != null
                && !context.getCapabilities().getAdd().isEmpty()) {
            violations.add(
                    where + ": adds capabilities " + context.getCapabilities().getAdd());
        }
        var seccomp = context.getSeccompProfile() != null ? context.getSeccompProfile() : pod.getSeccompProfile();
        if (seccomp == null || !"RuntimeDefault".equals(seccomp.getType())) {
            violations.add(where + ": seccompProfile is not RuntimeDefault");
        }
        var resources = container.getResources();
        for (String kind : List.of("cpu", "memory")) {
            if (resources == null
                    || resources.getRequests() == null
                    || !resources.getRequests().containsKey(kind)) {
                violations.add(where + ": no " + kind + " request");
            }
            if (resources == null
                    || resources.getLimits() == null
                    || !resources.getLimits().containsKey(kind)) {
                violations.add(where + ": no " + kind + " limit");
            }
        }
        if (longRunning && container.getReadinessProbe() == null) {
            violations.add(where + ": no readiness probe");
        }
        if (longRunning && container.getLivenessProbe() == null) {
            violations.add(where + ": no liveness probe");
        }
        var image = IMAGE.matcher(Objects.requireNonNullElse(container.getImage(), ""));
        if (!image.matches() || (image.group("tag") == null && image.group("digest") == null)) {
            violations.add(where + ": image " + container.getImage() + " has neither a tag nor a digest");
        } else if ("latest".equals(image.group("tag"))) {
            violations.add(where + ": image " + container.getImage() + " is tagged latest");
        }
    }

    static List<Workload> workloads(Overlay overlay) {
        List<Workload> workloads = new ArrayList<>();
        overlay.all(Deployment.class)
                .forEach(d ->
                        workloads.add(new Workload(d, d.getSpec().getTemplate().getSpec(), true)));
        overlay.all(StatefulSet.class)
                .forEach(s ->
                        workloads.add(new Workload(s, s.getSpec().getTemplate().getSpec(), true)));
        overlay.all(CronJob.class)
                .forEach(c -> workloads.add(new Workload(
                        c, c.getSpec().getJobTemplate().getSpec().getTemplate().getSpec(), false)));
        // a kind that has pods but is not checked here would slip through: refuse it
        List<String> unchecked = overlay.resources().stream()
                .filter(r -> Map.of("DaemonSet", 1, "Job", 1, "ReplicaSet", 1, "Pod", 1)
                        .containsKey(r.getKind()))
                .map(RenderedManifests::describe)
                .toList();
        assertThat(unchecked).as("workload kinds this test does not check").isEmpty();
        return workloads;
    }
}
