#!/usr/bin/env bash
# A real one-node Kubernetes on this host, for end-to-end tests: containerd (Debian's, with its own
# configuration), etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubelet and
# kube-proxy (hack/k8s-test-binaries.sh and hack/k8s-node-binaries.sh), a CNI bridge, and the
# images of hack/images.sh imported into containerd. No registry, no DNS, and no route off the
# host: pods reach the node address and each other, nothing else. docs/real-node.md says why each
# setting is there.
#
#   hack/node.sh start     # prints the admin kubeconfig's path as its last line
#   hack/node.sh status
#   hack/node.sh stop      # leaves the host as it was, also after a failed or killed start
#
# Environment:
#   CADENZA_NODE_DIR  state: certificates, configuration, logs, etcd, containerd's images
#                     (default ~/.cache/cadenza/node)
#   NODE_IP           the node's and the API server's address, put on lo    (default 10.99.0.1)
#   CADENZA_IMAGES_DIR   where hack/images.sh keeps its images.list; every image listed there is
#                     imported at start (the pause image is built when missing)
# Needs root, cgroup v1 or v2, iptables, containerd, runc, containernetworking-plugins (installed
# here through hack/debian-package.sh when missing), openssl and the binaries' Go build.
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
state=${CADENZA_NODE_DIR:-$HOME/.cache/cadenza/node}
run=/run/cadenza-node
NODE_IP=${NODE_IP:-10.99.0.1}
node_name=cadenza-node
pod_cidr=10.244.0.0/24
cluster_cidr=10.244.0.0/16
service_cidr=10.96.0.0/24
service_ip=10.96.0.1
sock="$run/containerd.sock"
kubeconfig="$state/admin.kubeconfig"
kubelet_root="$state/kubelet"
# fixed paths kubelet, CNI, runc and the containerd shims write whatever their configuration says
fixed_paths=(/var/log/pods /var/log/containers /var/lib/kubelet/device-plugins /var/lib/cni /run/containerd /opt/containerd)
# host settings that kubelet, kube-proxy or the bridge plugin change; saved at start, restored at stop
sysctls=(net.ipv4.ip_forward net.ipv6.conf.all.forwarding vm.overcommit_memory vm.panic_on_oom kernel.panic
  kernel.panic_on_oops net.ipv4.conf.all.route_localnet net.bridge.bridge-nf-call-iptables
  net.bridge.bridge-nf-call-ip6tables)

log() { printf '[node %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

[[ $(id -u) -eq 0 ]] || die "needs root (containerd, kubelet, iptables, mounts)"

# --- processes ------------------------------------------------------------------------------------
pid_of() { [[ -f $run/$1.pid ]] && kill -0 "$(cat "$run/$1.pid")" 2>/dev/null && cat "$run/$1.pid"; }

# launch NAME COMMAND...: runs COMMAND in its own session, its output in $state/logs/NAME.log
launch() {
  local name=$1; shift
  setsid "$@" >"$state/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$run/$name.pid"
}

# halt NAME: SIGTERM, up to 10 s, then SIGKILL
halt() {
  local pid i
  pid=$(pid_of "$1") || { rm -f "$run/$1.pid"; return 0; }
  kill "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$run/$1.pid"
  log "stopped $1"
}

# wait_for WHAT SECONDS COMMAND...: until COMMAND succeeds
wait_for() {
  local what=$1 limit=$2 i; shift 2
  for ((i = 0; i < limit * 5; i++)); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.2
  done
  die "$what not ready after ${limit}s (logs in $state/logs)"
}

# --- certificates ---------------------------------------------------------------------------------
pki="$state/pki"
# cert NAME SUBJECT [SANS]: a key and a certificate signed by the cluster CA, kept between runs
cert() {
  local name=$1 subject=$2 sans=${3:-}
  [[ -f $pki/$name.crt ]] && return 0
  openssl req -new -newkey rsa:2048 -nodes -keyout "$pki/$name.key" -subj "$subject" -out "$pki/$name.csr" 2>/dev/null
  local ext="$pki/$name.ext"
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    if [[ -n $sans ]]; then echo "extendedKeyUsage=serverAuth"; echo "subjectAltName=$sans"; else echo "extendedKeyUsage=clientAuth"; fi
  } >"$ext"
  openssl x509 -req -in "$pki/$name.csr" -CA "$pki/ca.crt" -CAkey "$pki/ca.key" -CAcreateserial \
    -days 3650 -extfile "$ext" -out "$pki/$name.crt" 2>/dev/null
  rm -f "$pki/$name.csr" "$ext"
}

# kubeconfig NAME CERT: $state/NAME.kubeconfig for the client certificate CERT
kubeconfig() {
  cat >"$state/$1.kubeconfig" <<EOF
apiVersion: v1
kind: Config
clusters:
- name: cadenza-node
  cluster:
    server: https://$NODE_IP:6443
    certificate-authority: $pki/ca.crt
users:
- name: $2
  user:
    client-certificate: $pki/$2.crt
    client-key: $pki/$2.key
contexts:
- name: cadenza-node
  context: {cluster: cadenza-node, user: $2}
current-context: cadenza-node
EOF
}

make_pki() {
  mkdir -p "$pki"
  if [[ ! -f $pki/ca.crt ]]; then
    openssl req -x509 -newkey rsa:2048 -nodes -keyout "$pki/ca.key" -out "$pki/ca.crt" -days 3650 \
      -subj "/CN=cadenza-node-ca" 2>/dev/null
  fi
  [[ -f $pki/sa.key ]] || { openssl genrsa -out "$pki/sa.key" 2048 2>/dev/null && openssl rsa -in "$pki/sa.key" -pubout -out "$pki/sa.pub" 2>/dev/null; }
  cert apiserver "/CN=kube-apiserver" \
    "IP:$NODE_IP,IP:$service_ip,IP:127.0.0.1,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local"
  cert apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client"
  cert admin "/O=system:masters/CN=cadenza-admin"
  cert controller-manager "/CN=system:kube-controller-manager"
  cert scheduler "/CN=system:kube-scheduler"
  cert kube-proxy "/CN=system:kube-proxy"
  cert kubelet "/O=system:nodes/CN=system:node:$node_name"
  local c
  for c in admin controller-manager scheduler kube-proxy kubelet; do kubeconfig "$c" "$c"; done
}

# --- configuration --------------------------------------------------------------------------------
write_config() {
  local cni_bin
  cni_bin=$(dirname "$(dpkg -L containernetworking-plugins | grep -m 1 '/bridge$')")
  [[ -x $cni_bin/bridge && -x $cni_bin/host-local && -x $cni_bin/portmap ]] || die "no CNI plugins in $cni_bin"
  mkdir -p "$state/etc" "$state/cni/net.d"
  cat >"$state/etc/containerd.toml" <<EOF
version = 2
root = "$state/containerd"
state = "$run/containerd"
[grpc]
  address = "$sock"
[plugins."io.containerd.internal.v1.opt"]
  path = "$state/containerd-opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$pause_image"
  # no CAP_SYS_RESOURCE here: without this every sandbox fails to start
  restrict_oom_score_adj = true
  disable_apparmor = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "overlayfs"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$cni_bin"
    conf_dir = "$state/cni/net.d"
EOF
  # ipMasq false: pods get no way off the host (and the FORWARD rule below drops what would try)
  cat >"$state/cni/net.d/10-cadenza.conflist" <<EOF
{
  "cniVersion": "0.4.0",
  "name": "cadenza",
  "plugins": [
    {
      "type": "bridge", "bridge": "cni0", "isGateway": true, "ipMasq": false, "hairpinMode": true,
      "ipam": { "type": "host-local", "ranges": [[{ "subnet": "$pod_cidr" }]], "routes": [{ "dst": "0.0.0.0/0" }] }
    },
    { "type": "portmap", "capabilities": { "portMappings": true } }
  ]
}
EOF
  cat >"$state/etc/kubelet.yaml" <<EOF
apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: $NODE_IP
authentication:
  anonymous: {enabled: false}
  webhook: {enabled: true}
  x509: {clientCAFile: $pki/ca.crt}
authorization: {mode: Webhook}
cgroupDriver: cgroupfs
failCgroupV1: false
failSwapOn: false
containerRuntimeEndpoint: unix://$sock
imageServiceEndpoint: unix://$sock
# imported images must never be collected, and a full disk elsewhere must not evict the pods
evictionHard: {nodefs.available: "1%", imagefs.available: "1%", nodefs.inodesFree: "1%", memory.available: "50Mi"}
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
clusterDomain: cluster.local
resolvConf: /etc/resolv.conf
EOF
  cat >"$state/etc/kube-proxy.yaml" <<EOF
apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
mode: iptables
clientConnection: {kubeconfig: $state/kube-proxy.kubeconfig}
clusterCIDR: $cluster_cidr
bindAddress: $NODE_IP
healthzBindAddress: $NODE_IP:10256
metricsBindAddress: $NODE_IP:10249
nodePortAddresses: ["$NODE_IP/32"]
iptables: {localhostNodePorts: false}
conntrack: {maxPerCore: 0}
EOF
}

# --- iptables -------------------------------------------------------------------------------------
# clean_chains IPTABLES: removes every KUBE-, CNI- and CADENZA- chain and the rules that jump to them
clean_chains() {
  local ipt=$1 table rule chain
  command -v "$ipt" >/dev/null || return 0
  for table in filter nat mangle raw; do
    "$ipt" -t "$table" -S >/dev/null 2>&1 || continue
    while read -r rule; do
      eval "$ipt -t $table -D ${rule#-A }" 2>/dev/null || true
    done < <("$ipt" -t "$table" -S | grep -E '^-A (INPUT|OUTPUT|FORWARD|PREROUTING|POSTROUTING) .*-j (KUBE-|CNI-|CADENZA-)')
    for chain in $("$ipt" -t "$table" -S | awk '$1 == "-N" && $2 ~ /^(KUBE-|CNI-|CADENZA-)/ { print $2 }'); do
      "$ipt" -t "$table" -F "$chain" 2>/dev/null || true
    done
    for chain in $("$ipt" -t "$table" -S | awk '$1 == "-N" && $2 ~ /^(KUBE-|CNI-|CADENZA-)/ { print $2 }'); do
      "$ipt" -t "$table" -X "$chain" 2>/dev/null || true
    done
  done
}

# isolate: nothing from a pod leaves through another interface. In mangle's FORWARD, which runs
# before filter's, where kube-proxy puts its own rules first.
isolate() {
  local ipt
  for ipt in iptables ip6tables; do
    "$ipt" -t mangle -N CADENZA-ISOLATE
    "$ipt" -t mangle -A CADENZA-ISOLATE -i cni0 ! -o cni0 -j DROP
    "$ipt" -t mangle -I FORWARD 1 -j CADENZA-ISOLATE
  done
}

# --- stop -----------------------------------------------------------------------------------------
stop() {
  mkdir -p "$run"
  halt kubelet
  halt kube-proxy
  # containers: through containerd when it answers, then runc itself (a killed start may have left
  # containers whose containerd is gone)
  if [[ -S $sock ]] && pid_of containerd >/dev/null; then
    local c
    for c in $(ctr -a "$sock" -n k8s.io tasks ls -q 2>/dev/null); do
      ctr -a "$sock" -n k8s.io tasks kill -s SIGKILL "$c" >/dev/null 2>&1 || true
    done
    sleep 0.5
    for c in $(ctr -a "$sock" -n k8s.io containers ls -q 2>/dev/null); do
      ctr -a "$sock" -n k8s.io tasks delete -f "$c" >/dev/null 2>&1 || true
      ctr -a "$sock" -n k8s.io containers delete "$c" >/dev/null 2>&1 || true
    done
  fi
  if [[ -d /run/containerd/runc/k8s.io ]]; then
    for c in $(runc --root /run/containerd/runc/k8s.io list -q 2>/dev/null); do
      runc --root /run/containerd/runc/k8s.io delete --force "$c" >/dev/null 2>&1 || true
    done
  fi
  halt kube-scheduler
  halt kube-controller-manager
  halt kube-apiserver
  halt etcd
  halt containerd
  # the shims containerd started for this socket (each names it in its -address argument)
  local pid
  for pid in $(pgrep -f -- "containerd-shim-runc-v2 .*-address $sock" || true); do kill -9 "$pid" 2>/dev/null || true; done
  # mounts: secrets, shm, rootfs, netns; the deepest first
  local mnt
  for mnt in $(findmnt -rn -o TARGET | grep -E "^($kubelet_root|$state/containerd|$run|/run/containerd|/run/netns/cni-)" | sort -r); do
    umount "$mnt" 2>/dev/null || umount -l "$mnt" 2>/dev/null || true
  done
  local ns
  for ns in $(ip netns list 2>/dev/null | awk '$1 ~ /^cni-/ { print $1 }'); do ip netns delete "$ns" 2>/dev/null || true; done
  [[ -x $bin/kube-proxy ]] && "$bin/kube-proxy" --cleanup >/dev/null 2>&1 || true
  ip link delete cni0 2>/dev/null || true
  clean_chains iptables
  clean_chains ip6tables
  ip addr del "$NODE_IP/32" dev lo 2>/dev/null || true
  # the pods' cgroups (cgroupfs driver)
  local cg
  for cg in /sys/fs/cgroup/*/kubepods /sys/fs/cgroup/kubepods; do
    [[ -d $cg ]] && find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null || true
  done
  rm -rf "${fixed_paths[@]}" "$kubelet_root"
  rmdir /var/lib/kubelet 2>/dev/null || true
  if [[ -f $state/sysctl.saved ]]; then
    local name value
    while read -r name value; do sysctl -qw "$name=$value" 2>/dev/null || true; done <"$state/sysctl.saved"
    rm -f "$state/sysctl.saved"
  fi
  rm -rf "$run"
  log "stopped; the host is as it was"
}

# --- start ----------------------------------------------------------------------------------------
running() {
  local p
  for p in containerd etcd kube-apiserver kube-controller-manager kube-scheduler kube-proxy kubelet; do
    pid_of "$p" >/dev/null || return 1
  done
}

# proxied NAMESPACE/SERVICE:PORT: kube-proxy has written the Service port's rules
# (grep reads all: with -q it could stop early, and pipefail would count the writer's SIGPIPE)
proxied() { iptables -t nat -S KUBE-SERVICES 2>/dev/null | grep -F "\"$1 cluster IP\"" >/dev/null; }

start() {
  if running && "$bin/kubectl" --kubeconfig "$kubeconfig" get --raw /readyz >/dev/null 2>&1; then
    log "already running"
    echo "$kubeconfig"
    return 0
  fi
  local t0=$SECONDS
  stop 2>/dev/null
  # a start that fails or is interrupted takes down what it began
  trap 'trap - EXIT; log "start failed: stopping"; stop; exit 1' EXIT INT TERM
  mkdir -p "$state/logs" "$run" "$kubelet_root"

  for p in "iptables iptables" "runc runc" "containerd containerd" "containernetworking-plugins /usr/lib/cni/bridge"; do
    # shellcheck disable=SC2086
    "$repo/hack/debian-package.sh" $p
  done
  bin=$("$repo/hack/k8s-test-binaries.sh" | tail -n 1)
  "$repo/hack/k8s-node-binaries.sh" >/dev/null
  local images
  images=$("$repo/hack/images.sh" pause | tail -n 1)
  pause_image=$(awk '$1 == "pause" { print $2 }' "$images")

  local name value
  for name in "${sysctls[@]}"; do
    value=$(sysctl -n "$name" 2>/dev/null) && echo "$name $value"
  done >"$state/sysctl.saved"

  make_pki
  write_config
  ip addr add "$NODE_IP/32" dev lo
  isolate

  launch containerd containerd --config "$state/etc/containerd.toml"
  wait_for containerd 20 ctr -a "$sock" version
  local image archive
  while read -r name image archive; do
    [[ $name == jre17 ]] && continue
    ctr -a "$sock" -n k8s.io images import "$archive" >/dev/null
    ctr -a "$sock" -n k8s.io images ls -q | grep -xF "$image" >/dev/null || die "$archive did not import as $image"
    log "imported $image"
  done <"$images"

  rm -rf "$state/etcd"
  launch etcd "$bin/etcd" --name "$node_name" --data-dir "$state/etcd" \
    --listen-client-urls "http://$NODE_IP:2379" --advertise-client-urls "http://$NODE_IP:2379" \
    --listen-peer-urls "http://$NODE_IP:2380" --initial-advertise-peer-urls "http://$NODE_IP:2380" \
    --initial-cluster "$node_name=http://$NODE_IP:2380" --listen-metrics-urls "http://$NODE_IP:2381"
  launch kube-apiserver "$bin/kube-apiserver" --advertise-address "$NODE_IP" --bind-address "$NODE_IP" \
    --secure-port 6443 --etcd-servers "http://$NODE_IP:2379" --service-cluster-ip-range "$service_cidr" \
    --client-ca-file "$pki/ca.crt" --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
    --kubelet-client-certificate "$pki/apiserver-kubelet-client.crt" --kubelet-client-key "$pki/apiserver-kubelet-client.key" \
    --service-account-issuer https://kubernetes.default.svc --service-account-key-file "$pki/sa.pub" \
    --service-account-signing-key-file "$pki/sa.key" --authorization-mode Node,RBAC \
    --kubelet-preferred-address-types InternalIP
  wait_for kube-apiserver 60 "$bin/kubectl" --kubeconfig "$kubeconfig" get --raw /readyz
  launch kube-controller-manager "$bin/kube-controller-manager" --kubeconfig "$state/controller-manager.kubeconfig" \
    --authentication-kubeconfig "$state/controller-manager.kubeconfig" --authorization-kubeconfig "$state/controller-manager.kubeconfig" \
    --bind-address "$NODE_IP" --leader-elect=false --use-service-account-credentials \
    --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
    --cluster-signing-cert-file "$pki/ca.crt" --cluster-signing-key-file "$pki/ca.key" \
    --allocate-node-cidrs --cluster-cidr "$cluster_cidr" --node-cidr-mask-size 24 --service-cluster-ip-range "$service_cidr"
  launch kube-scheduler "$bin/kube-scheduler" --kubeconfig "$state/scheduler.kubeconfig" \
    --authentication-kubeconfig "$state/scheduler.kubeconfig" --authorization-kubeconfig "$state/scheduler.kubeconfig" \
    --bind-address "$NODE_IP" --leader-elect=false
  launch kube-proxy "$bin/kube-proxy" --config "$state/etc/kube-proxy.yaml" --hostname-override "$node_name"
  launch kubelet "$bin/kubelet" --config "$state/etc/kubelet.yaml" --kubeconfig "$state/kubelet.kubeconfig" \
    --root-dir "$kubelet_root" --cert-dir "$state/kubelet-pki" --hostname-override "$node_name" --node-ip "$NODE_IP"
  wait_for "node $node_name" 90 "$bin/kubectl" --kubeconfig "$kubeconfig" wait --for=condition=Ready "node/$node_name" --timeout=1s
  # kube-proxy waits for the node to be registered before its first sync
  wait_for "kube-proxy's rules" 60 proxied default/kubernetes:https
  trap - EXIT INT TERM
  log "node $node_name Ready in $((SECONDS - t0))s; kubectl --kubeconfig $kubeconfig"
  echo "$kubeconfig"
}

status() {
  local p
  for p in containerd etcd kube-apiserver kube-controller-manager kube-scheduler kube-proxy kubelet; do
    if pid_of "$p" >/dev/null; then log "$p running (pid $(pid_of "$p"))"; else log "$p not running"; fi
  done
  if pid_of kube-apiserver >/dev/null; then
    "$bin/kubectl" --kubeconfig "$kubeconfig" get nodes >&2 2>/dev/null || true
  fi
  running
}

bin=$("$repo/hack/k8s-test-binaries.sh" 2>/dev/null | tail -n 1 || true)
case ${1:-} in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) die "usage: hack/node.sh start|stop|status" ;;
esac
