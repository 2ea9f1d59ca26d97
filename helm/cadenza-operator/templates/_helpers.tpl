{{/* The chart's name, or nameOverride. */}}
{{- define "cadenza-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The full name of the release's objects: fullnameOverride, else <release>-<chart> unless the release name already contains the chart name. */}}
{{- define "cadenza-operator.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "cadenza-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "cadenza-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "cadenza-operator.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "cadenza-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: cadenza
{{- end }}

{{- define "cadenza-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "cadenza-operator.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Fails rendering on values the operator would refuse or that cannot work together. */}}
{{- define "cadenza-operator.validate" -}}
{{- if and (gt (int .Values.replicaCount) 1) (not .Values.leaderElection.enabled) }}
{{- fail "replicaCount > 1 needs leaderElection.enabled: without it every replica reconciles" }}
{{- end }}
{{- if not .Values.aws.region }}
{{- fail "aws.region must not be empty (the operator refuses to start without a default region)" }}
{{- end }}
{{- if and .Values.aws.endpoint (not (regexMatch "^https?://[A-Za-z0-9\\[]" .Values.aws.endpoint)) }}
{{- fail "aws.endpoint must be empty or http(s)://host[:port] (the operator refuses to start otherwise)" }}
{{- end }}
{{- $port := int .Values.metrics.port }}
{{- if or (lt $port 1) (gt $port 65535) }}
{{- fail "metrics.port must be 1-65535: it also serves the liveness and readiness probes" }}
{{- end }}
{{- if not (has (upper .Values.logLevel) (list "TRACE" "DEBUG" "INFO" "WARN" "ERROR" "OFF")) }}
{{- fail "logLevel must be one of TRACE, DEBUG, INFO, WARN, ERROR, OFF" }}
{{- end }}
{{- end }}
