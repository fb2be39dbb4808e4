using System.Text.RegularExpressions;
using Orchestration.Domain.Documents;
using Orchestration.Domain.Judging;

namespace Orchestration.Domain.Validation;

/// <summary>Checks of flag rules: names, exactly one kind of rule, bounded regexes, JSONPath syntax.</summary>
public static partial class BatchValidator
{
    /// <summary>The checks of a task's judging rules alone (pass, flag, flags), as a rejudge applies them.</summary>
    /// <param name="context">Where problems go.</param>
    /// <param name="path">The task's path.</param>
    /// <param name="task">The task's new rules.</param>
    internal static void CheckRules(ValidationContext context, string path, TaskDocument task)
    {
        CheckPass(context, JsonPaths.Property(path, "pass"), task.Pass);
        CheckFlags(context, path, task);
    }

    private static void CheckFlags(ValidationContext context, string path, TaskDocument task)
    {
        if (task.Flag is not null && task.Flags is not null)
        {
            context.Add(JsonPaths.Property(path, "flags"), "Set flag (one rule) or flags (named rules), not both.");
        }

        if (task.Flag is not null)
        {
            CheckRule(context, JsonPaths.Property(path, "flag"), task.Flag);
        }

        if (task.Flags is null)
        {
            return;
        }

        var flagsPath = JsonPaths.Property(path, "flags");
        if (task.Flags.Count > 32)
        {
            context.Add(flagsPath, "At most 32 flag rules per task.");
        }

        foreach (var (name, rule) in task.Flags)
        {
            var entry = JsonPaths.Property(flagsPath, name);
            if (!BatchIds.IsValid(name))
            {
                context.Add(entry, "A flag name is 1 to 64 characters: letters, digits, '.', '_' or '-', starting with a letter or digit.");
            }

            if (rule is null)
            {
                context.Add(entry, "A flag rule must be an object, not null.");
                continue;
            }

            CheckRule(context, entry, rule);
        }
    }

    private static void CheckRule(ValidationContext context, string path, FlagRule rule)
    {
        var kinds = (rule.Contains is null ? 0 : 1) + (rule.Regex is null ? 0 : 1) + (rule.VerdictFile is null ? 0 : 1) + (rule.JsonPath is null ? 0 : 1);
        if (kinds != 1)
        {
            context.Add(path, "Set exactly one of contains, regex, verdictFile, or jsonPath with equals.");
            return;
        }

        if (rule.JsonPath is null && (rule.EqualTo is not null || rule.File is not null))
        {
            context.Add(path, "equals and file go only with jsonPath.");
        }

        if (rule.Stream is not null && (rule.VerdictFile is not null || rule.File is not null))
        {
            context.Add(JsonPaths.Property(path, "stream"), "stream goes with contains, regex or a jsonPath without file; a file rule reads its file.");
        }

        if (rule.Contains is not null && (rule.Contains.Length == 0 || rule.Contains.Length > context.Limits.MaxContainsLength))
        {
            context.Add(JsonPaths.Property(path, "contains"), $"Must be 1 to {context.Limits.MaxContainsLength} characters.");
        }

        if (rule.Regex is not null)
        {
            CheckRegex(context, JsonPaths.Property(path, "regex"), rule.Regex);
        }

        if (rule.VerdictFile is not null && SafeRelativePath.Check(rule.VerdictFile) is { } verdictReason)
        {
            context.Add(JsonPaths.Property(path, "verdictFile"), $"Must be a path inside /workspace/output: {verdictReason}");
        }

        if (rule.JsonPath is not null)
        {
            CheckJsonPathRule(context, path, rule);
        }
    }

    private static void CheckJsonPathRule(ValidationContext context, string path, FlagRule rule)
    {
        if (!JsonPathExpression.TryParse(rule.JsonPath!, out _, out _))
        {
            context.Add(JsonPaths.Property(path, "jsonPath"), "Use a simple path: $ followed by .name, ['name'] or [index] steps, such as $.verdict.flagged.");
        }

        if (rule.EqualTo is null)
        {
            context.Add(JsonPaths.Property(path, "equals"), "A jsonPath rule needs equals: the value that flags the run.");
        }

        if (rule.File is not null && SafeRelativePath.Check(rule.File) is { } fileReason)
        {
            context.Add(JsonPaths.Property(path, "file"), $"Must be a path inside /workspace/output: {fileReason}");
        }
    }

    private static void CheckRegex(ValidationContext context, string path, string pattern)
    {
        if (pattern.Length == 0 || pattern.Length > context.Limits.MaxRegexLength)
        {
            context.Add(path, $"A regex is 1 to {context.Limits.MaxRegexLength} characters.");
            return;
        }

        try
        {
            _ = new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }
        catch (NotSupportedException ex)
        {
            context.Add(path, $"Not supported by the linear-time regex engine (no backreferences, lookarounds or atomic groups): {ex.Message}");
        }
        catch (ArgumentException ex)
        {
            context.Add(path, $"Not a valid regular expression: {ex.Message}");
        }
    }
}
