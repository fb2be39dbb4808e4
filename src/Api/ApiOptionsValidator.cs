using Microsoft.Extensions.Options;

namespace Orchestration.Api;

/// <summary>Checks <see cref="ApiOptions"/>' data annotations ([Range]) with code the options source generator writes.</summary>
[OptionsValidator]
internal sealed partial class ApiOptionsValidator : IValidateOptions<ApiOptions>;
