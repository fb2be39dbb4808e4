using Microsoft.Extensions.Options;
using Orchestration.Adapters.CloudRun;
using Orchestration.Adapters.Google;
using Orchestration.Adapters.LocalRunner;
using Orchestration.Adapters.Queue;
using Orchestration.Adapters.Storage;
using Orchestration.Adapters.Webhooks;

namespace Orchestration.Adapters;

// The adapters' options checked by their data annotations (and IValidatableObject) with code the options source
// generator writes: no reflection over the options' members. Its messages name the member and the attribute's error
// ("MaxAttempts: The field WebhookOptions.MaxAttempts must be between 1 and 10."), not the stock validator's wording.

/// <summary>Checks <see cref="CloudRunOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class CloudRunOptionsValidator : IValidateOptions<CloudRunOptions>;

/// <summary>Checks <see cref="GoogleCredentialOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class GoogleCredentialOptionsValidator : IValidateOptions<GoogleCredentialOptions>;

/// <summary>Checks <see cref="GoogleHttpOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class GoogleHttpOptionsValidator : IValidateOptions<GoogleHttpOptions>;

/// <summary>Checks <see cref="GcsOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class GcsOptionsValidator : IValidateOptions<GcsOptions>;

/// <summary>Checks <see cref="LocalRunnerOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class LocalRunnerOptionsValidator : IValidateOptions<LocalRunnerOptions>;

/// <summary>Checks <see cref="LocalFolderObjectStoreOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class LocalFolderObjectStoreOptionsValidator : IValidateOptions<LocalFolderObjectStoreOptions>;

/// <summary>Checks <see cref="SubmissionQueueOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class SubmissionQueueOptionsValidator : IValidateOptions<SubmissionQueueOptions>;

/// <summary>Checks <see cref="WebhookOptions"/>.</summary>
[OptionsValidator]
internal sealed partial class WebhookOptionsValidator : IValidateOptions<WebhookOptions>;
