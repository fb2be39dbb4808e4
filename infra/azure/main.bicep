// Azure side of the orchestrator: Function App (Elastic Premium, Linux, .NET 10 isolated) with a system-assigned
// identity, its storage account (Durable task hub, submission queues, the stores' tables and containers),
// Application Insights and a Key Vault for the webhook signing secret. Identity-based storage access only.
// Deploy: az deployment group create -g RG -f infra/azure/main.bicep -p name=orch gcpProjectNumber=... (infra/README.md)

@description('Short name used as a prefix of every resource.')
@minLength(3)
@maxLength(12)
param name string

param location string = resourceGroup().location

@description('Google Cloud project id that runs the Cloud Run jobs.')
param gcpProject string

@description('Google Cloud project number (for the workload identity audience).')
param gcpProjectNumber string

param gcpRegion string = 'europe-west1'

@description('GCS bucket of inputs and runs (infra/gcp/setup.sh).')
param gcsBucket string

@description('Audience (Entra application id URI) the app requests its token for; the GCP provider trusts it.')
param azureResource string

@description('Purge finished batches after this many days; 0 keeps them.')
param retentionDays int = 0

var storageName = toLower('${name}${uniqueString(resourceGroup().id)}')
var hubName = '${name}hub'

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: take(storageName, 24)
  location: location
  sku: { name: 'Standard_LRS' }
  kind: 'StorageV2'
  properties: {
    minimumTlsVersion: 'TLS1_2'
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    supportsHttpsTrafficOnly: true
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource aggregates 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: 'aggregates'
}

resource documents 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: 'documents'
}

resource deployments 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: 'deployments'
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource submissions 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: 'batch-submissions'
}

resource poison 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: 'batch-submissions-poison'
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource batchesTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = {
  parent: tableService
  name: 'batches'
}

resource runsTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = {
  parent: tableService
  name: 'runs'
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${name}-logs'
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource insights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${name}-ai'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
  }
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${name}-plan'
  location: location
  sku: { name: 'EP1', tier: 'ElasticPremium' }
  kind: 'elastic'
  properties: {
    reserved: true
    maximumElasticWorkerCount: 10
  }
}

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: take('${name}-kv-${uniqueString(resourceGroup().id)}', 24)
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: { family: 'A', name: 'standard' }
    enableRbacAuthorization: true
    enableSoftDelete: true
  }
}

resource app 'Microsoft.Web/sites@2023-12-01' = {
  name: '${name}-func'
  location: location
  kind: 'functionapp,linux'
  identity: { type: 'SystemAssigned' }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      linuxFxVersion: 'DOTNET-ISOLATED|10.0'
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      appSettings: [
        // Identity-based host storage (task hub, queues, timers' leases).
        { name: 'AzureWebJobsStorage__accountName', value: storage.name }
        { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
        { name: 'FUNCTIONS_EXTENSION_VERSION', value: '~4' }
        // Shared keys are off, so no Azure Files content share: the app runs from a package in the deployments
        // container, read with the app's identity (infra/README.md uploads it).
        { name: 'WEBSITE_RUN_FROM_PACKAGE', value: '${storage.properties.primaryEndpoints.blob}${deployments.name}/functions.zip' }
        { name: 'WEBSITE_RUN_FROM_PACKAGE_BLOB_MI_RESOURCE_ID', value: 'SystemAssigned' }
        { name: 'FUNCTIONS_WORKER_RUNTIME', value: 'dotnet-isolated' }
        { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights.properties.ConnectionString }
        { name: 'AzureFunctionsJobHost__extensions__durableTask__hubName', value: hubName }
        { name: 'Orchestration__AzureStorage__BlobServiceUri', value: storage.properties.primaryEndpoints.blob }
        { name: 'Orchestration__AzureStorage__TableServiceUri', value: storage.properties.primaryEndpoints.table }
        { name: 'Orchestration__AzureStorage__QueueServiceUri', value: storage.properties.primaryEndpoints.queue }
        { name: 'Orchestration__AzureStorage__CreateIfMissing', value: 'false' }
        { name: 'Orchestration__Queue__BlobContainer', value: documents.name }
        { name: 'Orchestration__Retention__Days', value: retentionDays > 0 ? string(retentionDays) : '' }
        // The runner image infra/gcp/setup.sh builds, for tasks whose profile names none.
        { name: 'Orchestration__Batches__Defaults__Image', value: '${gcpRegion}-docker.pkg.dev/${gcpProject}/runner/runner:1' }
        { name: 'Orchestration__Runs__CommandServiceAccount', value: 'runner-command@${gcpProject}.iam.gserviceaccount.com' }
        { name: 'Orchestration__Runs__ClaudeServiceAccount', value: 'runner-claude@${gcpProject}.iam.gserviceaccount.com' }
        { name: 'Orchestration__Runs__ClaudeSecrets__ANTHROPIC_API_KEY', value: 'anthropic-api-key:latest' }
        { name: 'Google__Credentials__Mode', value: 'WorkloadIdentityFederation' }
        { name: 'Google__Credentials__WorkloadIdentityAudience', value: '//iam.googleapis.com/projects/${gcpProjectNumber}/locations/global/workloadIdentityPools/azure-functions/providers/function-app' }
        { name: 'Google__Credentials__ServiceAccountEmail', value: 'orchestrator@${gcpProject}.iam.gserviceaccount.com' }
        { name: 'Google__Credentials__AzureResource', value: azureResource }
        { name: 'Google__Storage__Bucket', value: gcsBucket }
        { name: 'Google__CloudRun__Project', value: gcpProject }
        { name: 'Google__CloudRun__Region', value: gcpRegion }
        // Secrets come from Key Vault references, resolved by the platform with the app's identity.
        { name: 'Webhooks__SigningSecret', value: '@Microsoft.KeyVault(VaultName=${vault.name};SecretName=webhook-signing-secret)' }
      ]
    }
  }
}

// Built-in roles for the app's identity on its storage account and vault.
var roles = {
  blobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  queueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  tableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  accountContributor: '17d1049b-9a84-46fb-8f53-869881c3d3ab'
}

resource storageRoles 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for role in items(roles): {
  name: guid(storage.id, app.id, role.value)
  scope: storage
  properties: {
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.value)
  }
}]

resource vaultSecretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, app.id, 'secrets-user')
  scope: vault
  properties: {
    principalId: app.identity.principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')
  }
}

@description('Object (principal) id of the app identity: the GCP provider trusts tokens with this subject.')
output principalId string = app.identity.principalId
output functionAppName string = app.name
output hostName string = app.properties.defaultHostName
output keyVaultName string = vault.name
output storageAccountName string = storage.name
