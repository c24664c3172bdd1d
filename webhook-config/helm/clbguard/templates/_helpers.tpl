{{/* Labels on every object: the kustomize install's two, and Helm's own. */}}
{{- define "clbguard.labels" -}}
app.kubernetes.io/name: clbguard
app.kubernetes.io/part-of: clbguard
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 }}
{{- end }}

{{/* The pods: what the Service, PodDisruptionBudget, NetworkPolicy and monitors select. */}}
{{- define "clbguard.selector" -}}
app.kubernetes.io/name: clbguard
app.kubernetes.io/component: webhook
{{- end }}

{{/* The cluster profile, each value named when it is missing (clbguard refuses to start without it). */}}
{{- define "clbguard.required" -}}
{{- $c := .Values.cluster -}}
{{- $_ := required "cluster.id is required: the TKE cluster id, e.g. --set cluster.id=cls-xxxxxxxx" $c.id -}}
{{- $_ := required "cluster.region is required: the cluster's region, e.g. --set cluster.region=ap-guangzhou" $c.region -}}
{{- $_ := required "cluster.vpcId is required: the cluster's VPC, e.g. --set cluster.vpcId=vpc-xxxxxxxx" $c.vpcId -}}
{{- $_ := required "cluster.ownerUin is required: the account UIN owning the CLBs, e.g. --set-string cluster.ownerUin=100012345678" (include "clbguard.ownerUin" .) -}}
{{- end }}

{{/* Digits as text: a UIN in a values file arrives as a number, and would print in exponent form. */}}
{{- define "clbguard.ownerUin" -}}
{{- $u := .Values.cluster.ownerUin -}}
{{- if kindIs "string" $u }}{{ $u }}{{ else }}{{ $u | int64 }}{{ end -}}
{{- end }}

{{- define "clbguard.tlsSecret" -}}
{{- if eq .Values.certificates.source "secret" }}{{ .Values.certificates.secret.name }}{{ else }}clbguard-tls{{ end -}}
{{- end }}

{{- define "clbguard.serviceHost" -}}
clbguard.{{ .Release.Namespace }}.svc
{{- end }}

{{/* Namespaces the webhooks never see. */}}
{{- define "clbguard.namespaceSelector" -}}
namespaceSelector:
  matchExpressions:
    - key: kubernetes.io/metadata.name
      operator: NotIn
      values: {{ concat (list "kube-system" .Release.Namespace) .Values.namespaceExclusions | uniq | toJson }}
{{- end }}
