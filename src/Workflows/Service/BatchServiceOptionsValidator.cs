using Microsoft.Extensions.Options;

namespace Orchestration.Workflows.Service;

/// <summary>Runs <see cref="BatchServiceOptions"/>' own checks (<see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/>) with code the options source generator writes.</summary>
[OptionsValidator]
internal sealed partial class BatchServiceOptionsValidator : IValidateOptions<BatchServiceOptions>;
