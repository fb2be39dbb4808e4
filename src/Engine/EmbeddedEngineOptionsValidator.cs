using Microsoft.Extensions.Options;

namespace Orchestration.Engine;

/// <summary>Checks <see cref="EmbeddedEngineOptions"/>' data annotations ([Range]) with code the options source generator writes.</summary>
[OptionsValidator]
internal sealed partial class EmbeddedEngineOptionsValidator : IValidateOptions<EmbeddedEngineOptions>;
