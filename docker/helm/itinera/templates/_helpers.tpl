{{/* Chart name, overridable with nameOverride. */}}
{{- define "itinera.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified release name; resources append -api, -worker, -migrate. */}}
{{- define "itinera.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 56 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 56 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 56 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "itinera.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "itinera.labels" -}}
helm.sh/chart: {{ include "itinera.chart" . }}
{{ include "itinera.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "itinera.selectorLabels" -}}
app.kubernetes.io/name: {{ include "itinera.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "itinera.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* The Secret the Itinera containers read: existingSecret, or the one this chart creates. */}}
{{- define "itinera.secretName" -}}
{{- default (include "itinera.fullname" .) .Values.existingSecret }}
{{- end }}

{{/*
The Secret the migration hook reads. A pre-install hook runs before the chart's own
Secret exists, so the hook gets a copy of its own (or uses existingSecret).
*/}}
{{- define "itinera.migrateSecretName" -}}
{{- default (printf "%s-migrate" (include "itinera.fullname" .)) .Values.existingSecret }}
{{- end }}

{{/* stringData of the chart's Secrets: the non-empty values under .Values.secrets. */}}
{{- define "itinera.secretData" -}}
{{- $_ := required "secrets.ITINERA_SECRET is required (or set existingSecret)" .Values.secrets.ITINERA_SECRET }}
{{- $_ := required "secrets.DATABASE_URL is required (or set existingSecret)" .Values.secrets.DATABASE_URL }}
{{- $_ := required "secrets.REDIS_URL is required (or set existingSecret)" .Values.secrets.REDIS_URL }}
{{- range $key, $value := .Values.secrets }}
{{- if $value }}
{{ $key }}: {{ $value | toString | quote }}
{{- end }}
{{- end }}
{{- end }}

{{/* Pod template annotations that roll the pods when the configuration changes. */}}
{{- define "itinera.configChecksums" -}}
checksum/config: {{ include (print .Template.BasePath "/configmap.yaml") . | sha256sum }}
checksum/secret: {{ include (print .Template.BasePath "/secret.yaml") . | sha256sum }}
{{- end }}
