#!/usr/bin/env bash
# Google Cloud side: bucket, runner service accounts with prefix-scoped IAM, the Anthropic key secret, the
# orchestrator service account with workload identity federation from the Function App's managed identity, and
# the runner image. Idempotent enough to re-run (creates fail with "already exists" and are skipped).
# Usage: PROJECT=my-proj REGION=europe-west1 BUCKET=my-bucket AZURE_TENANT=<tenant id> \
#        AZURE_PRINCIPAL=<principalId output of main.bicep> AZURE_AUDIENCE=api://<app id> \
#        RETENTION_DAYS=0 INPUT_DAYS=30 bash infra/gcp/setup.sh
set -euo pipefail
: "${PROJECT:?}" "${REGION:?}" "${BUCKET:?}" "${AZURE_TENANT:?}" "${AZURE_PRINCIPAL:?}" "${AZURE_AUDIENCE:?}"
RETENTION_DAYS=${RETENTION_DAYS:-0}   # Orchestration__Retention__Days of the Function App; 0 = off
INPUT_DAYS=${INPUT_DAYS:-30}          # bundles unused (customTime not refreshed) for this long are deleted
NUMBER=$(gcloud projects describe "$PROJECT" --format='value(projectNumber)')
try() { "$@" 2>&1 | grep -v 'already exists' || true; }

gcloud services enable run.googleapis.com storage.googleapis.com secretmanager.googleapis.com \
  iam.googleapis.com iamcredentials.googleapis.com sts.googleapis.com artifactregistry.googleapis.com \
  cloudbuild.googleapis.com --project "$PROJECT"

# Bucket: uniform access, no soft delete (purges must really delete), lifecycle per prefix.
try gcloud storage buckets create "gs://$BUCKET" --project "$PROJECT" --location "$REGION" \
  --uniform-bucket-level-access --soft-delete-duration=0
gcloud storage buckets update "gs://$BUCKET" --clear-soft-delete
RULES='{"action":{"type":"Delete"},"condition":{"daysSinceCustomTime":'"$INPUT_DAYS"',"matchesPrefix":["inputs/"]}}'
if [ "$RETENTION_DAYS" -gt 0 ]; then
  # Matches the app's retention: run objects go with their batch (the app's purge deletes them first).
  RULES="$RULES"',{"action":{"type":"Delete"},"condition":{"age":'"$RETENTION_DAYS"',"matchesPrefix":["runs/"]}}'
fi
echo '{"rule":['"$RULES"']}' > /tmp/lifecycle.json
gcloud storage buckets update "gs://$BUCKET" --lifecycle-file=/tmp/lifecycle.json

# Runner service accounts: read inputs/ and runs/, write runs/ only (IAM conditions on the object name).
for sa in runner-command runner-claude orchestrator; do
  try gcloud iam service-accounts create "$sa" --project "$PROJECT"
done
for sa in runner-command runner-claude; do
  member="serviceAccount:$sa@$PROJECT.iam.gserviceaccount.com"
  gcloud storage buckets add-iam-policy-binding "gs://$BUCKET" --member "$member" --role roles/storage.objectViewer \
    --condition='title=read-inputs-runs,expression=resource.name.startsWith("projects/_/buckets/'"$BUCKET"'/objects/inputs/") || resource.name.startsWith("projects/_/buckets/'"$BUCKET"'/objects/runs/")'
  gcloud storage buckets add-iam-policy-binding "gs://$BUCKET" --member "$member" --role roles/storage.objectCreator \
    --condition='title=write-runs,expression=resource.name.startsWith("projects/_/buckets/'"$BUCKET"'/objects/runs/")'
  # Listing is a bucket-level permission that conditions on object names cannot scope.
  gcloud storage buckets add-iam-policy-binding "gs://$BUCKET" --member "$member" --role roles/storage.legacyBucketReader
done

# The Anthropic key: readable by the Claude runner only (a command job cannot fetch it from the metadata server).
try gcloud secrets create anthropic-api-key --project "$PROJECT" --replication-policy=automatic
echo "Add the key with: gcloud secrets versions add anthropic-api-key --data-file=- --project $PROJECT"
gcloud secrets add-iam-policy-binding anthropic-api-key --project "$PROJECT" \
  --member "serviceAccount:runner-claude@$PROJECT.iam.gserviceaccount.com" --role roles/secretmanager.secretAccessor

# The orchestrator (what the Function App becomes): create/update/delete jobs, run with overrides, cancel
# executions (roles/run.developer), act as the runner accounts when creating jobs, and use the whole bucket.
ORCH="serviceAccount:orchestrator@$PROJECT.iam.gserviceaccount.com"
gcloud projects add-iam-policy-binding "$PROJECT" --member "$ORCH" --role roles/run.developer --condition=None
for sa in runner-command runner-claude; do
  gcloud iam service-accounts add-iam-policy-binding "$sa@$PROJECT.iam.gserviceaccount.com" --project "$PROJECT" \
    --member "$ORCH" --role roles/iam.serviceAccountUser
done
gcloud storage buckets add-iam-policy-binding "gs://$BUCKET" --member "$ORCH" --role roles/storage.objectAdmin

# Workload identity federation: Entra ID tokens of the Function App's managed identity, nothing else.
try gcloud iam workload-identity-pools create azure-functions --project "$PROJECT" --location global
try gcloud iam workload-identity-pools providers create-oidc function-app --project "$PROJECT" --location global \
  --workload-identity-pool azure-functions \
  --issuer-uri "https://sts.windows.net/$AZURE_TENANT/" --allowed-audiences "$AZURE_AUDIENCE" \
  --attribute-mapping "google.subject=assertion.sub" \
  --attribute-condition "assertion.sub == '$AZURE_PRINCIPAL'"
gcloud iam service-accounts add-iam-policy-binding "orchestrator@$PROJECT.iam.gserviceaccount.com" --project "$PROJECT" \
  --role roles/iam.workloadIdentityUser \
  --member "principal://iam.googleapis.com/projects/$NUMBER/locations/global/workloadIdentityPools/azure-functions/subject/$AZURE_PRINCIPAL"

# Runner image (runner/Dockerfile) in Artifact Registry, built by Cloud Build.
try gcloud artifacts repositories create runner --project "$PROJECT" --location "$REGION" --repository-format docker
gcloud builds submit runner --project "$PROJECT" --tag "$REGION-docker.pkg.dev/$PROJECT/runner/runner:1"
echo "Image: $REGION-docker.pkg.dev/$PROJECT/runner/runner:1 (use it as defaults.profile.image in batches)"
