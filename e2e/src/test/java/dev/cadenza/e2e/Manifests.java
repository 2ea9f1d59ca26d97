package dev.cadenza.e2e;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The Kubernetes objects the tests add around the platform, as a user would write them: the
 * library's PersistentVolume, jobs running the client's CLI, and the standalone NGINX front.
 */
final class Manifests {

  private Manifests() {}

  /**
   * A hostPath PersistentVolume holding {@code dir}, bound to the claim {@code namespace/name} that
   * examples/minimal.yaml mounts (no storage class: the claim names the volume).
   */
  static String library(String namespace, String name, String dir) {
    return """
        apiVersion: v1
        kind: PersistentVolume
        metadata: {name: %2$s-%1$s}
        spec:
          capacity: {storage: 1Gi}
          accessModes: [ReadOnlyMany]
          persistentVolumeReclaimPolicy: Retain
          storageClassName: ""
          hostPath: {path: "%3$s", type: Directory}
          claimRef: {namespace: %1$s, name: %2$s}
        ---
        apiVersion: v1
        kind: PersistentVolumeClaim
        metadata: {name: %2$s, namespace: %1$s}
        spec:
          accessModes: [ReadOnlyMany]
          storageClassName: ""
          volumeName: %2$s-%1$s
          resources: {requests: {storage: 1Gi}}
        """
        .formatted(namespace, name, dir);
  }

  /**
   * A Job running the client's CLI once with {@code args} (docs/client.md), locked down as the
   * stream pods are; /tmp is where it may write (downloads): room for the largest track (64 MiB)
   * beside the JVM's own files, which a limit of exactly 64Mi once did not leave (the kubelet
   * evicted the pod). It logs in as the first admin, with the password from {@code authSecret} (the
   * operator's generated Secret), as a platform team's own job would.
   */
  static String clientJob(
      String namespace, String name, String image, String authSecret, List<String> args) {
    return """
        apiVersion: batch/v1
        kind: Job
        metadata: {name: %s, namespace: %s}
        spec:
          backoffLimit: 0
          template:
            metadata:
              labels: {app.kubernetes.io/name: cadenza-client}
            spec:
              restartPolicy: Never
              automountServiceAccountToken: false
              securityContext:
                runAsNonRoot: true
                runAsUser: 65532
                runAsGroup: 65532
                seccompProfile: {type: RuntimeDefault}
              containers:
                - name: client
                  image: %s
                  imagePullPolicy: IfNotPresent
                  args: %s
                  env:
                    - {name: CADENZA_USER, value: admin}
                    - name: CADENZA_PASSWORD
                      valueFrom: {secretKeyRef: {name: %s, key: password}}
                  resources:
                    requests: {cpu: 50m, memory: 64Mi}
                    limits: {memory: 256Mi}
                  securityContext:
                    allowPrivilegeEscalation: false
                    readOnlyRootFilesystem: true
                    capabilities: {drop: [ALL]}
                  volumeMounts: [{name: tmp, mountPath: /tmp}]
              volumes: [{name: tmp, emptyDir: {sizeLimit: 160Mi}}]
        """
        .formatted(name, namespace, image, json(args), authSecret);
  }

  /** Where the NGINX front keeps its pid file, logs and temporary files (nginx -p). */
  static final String FRONT_PREFIX = "/var/cache/cadenza-front";

  /**
   * nginx-ingress/nginx.conf.template rendered as hack/local-stack.sh renders it: listening on 8080
   * in the pod, one upstream server per stream pod address, no rate limit.
   */
  static String frontConfig(String template, List<String> podAddresses, int podPort) {
    String servers =
        podAddresses.stream()
            .map(a -> "    server " + a + ":" + podPort + " max_fails=1 fail_timeout=2s;")
            .collect(Collectors.joining("\n"));
    return template
        .replace("@@PREFIX@@", FRONT_PREFIX)
        .replace("@@LISTEN@@", "0.0.0.0:8080")
        .replace("@@UPSTREAM_SERVERS@@", servers)
        .replace("@@RATE_LIMIT@@", "1")
        .replace("@@LIMIT_REQ@@", "");
  }

  /**
   * The stream pods' own addresses, for the NGINX front: a headless Service selecting them (the
   * cluster has no DNS, so the front's configuration is rendered from its EndpointSlice).
   */
  static String headlessService(String namespace, String name, String instance) {
    return """
        apiVersion: v1
        kind: Service
        metadata: {name: %s, namespace: %s}
        spec:
          clusterIP: None
          selector: {app.kubernetes.io/name: cadenza-stream, app.kubernetes.io/instance: %s}
          ports: [{name: http, port: 8080, targetPort: http}]
        """
        .formatted(name, namespace, instance);
  }

  /**
   * Debian's nginx as a Deployment running the rendered template from the ConfigMap {@code name},
   * as non-root on a read-only root file system, and a Service in front of it on port 80.
   */
  static String front(String namespace, String name, String image) {
    return """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: %1$s, namespace: %2$s}
        spec:
          replicas: 1
          selector:
            matchLabels: {app.kubernetes.io/name: cadenza-front}
          template:
            metadata:
              labels: {app.kubernetes.io/name: cadenza-front}
            spec:
              automountServiceAccountToken: false
              securityContext:
                runAsNonRoot: true
                runAsUser: 65532
                runAsGroup: 65532
                seccompProfile: {type: RuntimeDefault}
              containers:
                - name: nginx
                  image: %3$s
                  imagePullPolicy: IfNotPresent
                  args: ["-c", "/etc/cadenza-front/nginx.conf", "-p", "%4$s", "-e", "%4$s/error.log"]
                  ports: [{name: http, containerPort: 8080}]
                  readinessProbe:
                    tcpSocket: {port: http}
                    periodSeconds: 2
                  resources:
                    requests: {cpu: 50m, memory: 32Mi}
                    limits: {memory: 128Mi}
                  securityContext:
                    allowPrivilegeEscalation: false
                    readOnlyRootFilesystem: true
                    capabilities: {drop: [ALL]}
                  volumeMounts:
                    - {name: config, mountPath: /etc/cadenza-front, readOnly: true}
                    - {name: prefix, mountPath: "%4$s"}
              volumes:
                - {name: config, configMap: {name: %1$s}}
                - {name: prefix, emptyDir: {sizeLimit: 64Mi}}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: %1$s, namespace: %2$s}
        spec:
          selector: {app.kubernetes.io/name: cadenza-front}
          ports: [{name: http, port: 80, targetPort: http}]
        """
        .formatted(name, namespace, image, FRONT_PREFIX);
  }

  private static String json(List<String> args) {
    return args.stream()
        .map(a -> "\"" + a.replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
        .collect(Collectors.joining(", ", "[", "]"));
  }
}
