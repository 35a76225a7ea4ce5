using System.Collections.Frozen;
using System.Text.RegularExpressions;
using AotShim.Shim.Config;

namespace AotShim.Shim.Annotations;

/// <summary>
/// Applies a pod's io.katacontainers.config.* annotations to a copy of the configuration. Each must match an
/// enable_annotations regex (unanchored, as kata), path values must match their valid_* list, and any refusal
/// fails the sandbox.
/// </summary>
public static class SandboxAnnotations
{
    private static readonly (string Prefix, FrozenDictionary<string, AnnotationRule> Rules)[] Families =
    [
        (AnnotationKeys.HypervisorPrefix, HypervisorAnnotations.Rules.ToFrozenDictionary(r => r.Name)),
        (AnnotationKeys.AgentPrefix, AgentAnnotations.Rules.ToFrozenDictionary(r => r.Name)),
        (AnnotationKeys.RuntimePrefix, RuntimeAnnotations.Rules.ToFrozenDictionary(r => r.Name)),
    ];

    private static readonly TimeSpan RegexTimeout = TimeSpan.FromMilliseconds(100);

    public static AnnotatedConfiguration Apply(Configuration configuration, IReadOnlyDictionary<string, string> annotations)
    {
        var warnings = new List<string>();
        var hashes = new List<(string Name, AnnotationValue Value)>();
        IReadOnlyList<string> enabled = configuration.Hypervisor.EnableAnnotations;
        RefuseImageWithInitrd(annotations);

        foreach (var (key, raw) in annotations)
        {
            if (!TryFind(key, out string name, out FrozenDictionary<string, AnnotationRule>? rules))
            {
                continue;
            }

            var value = new AnnotationValue(key, raw);
            bool hash = rules == Families[0].Rules && AssetHashAnnotations.Handles(name);
            if (!hash && !rules.ContainsKey(name))
            {
                warnings.Add($"annotation {key} is not known to this runtime and was ignored");
                continue;
            }

            if (!IsEnabled(enabled, name))
            {
                throw value.Refuse($"not enabled: no entry of [hypervisor.qemu] enable_annotations matches \"{name}\"");
            }

            if (hash)
            {
                hashes.Add((name, value));
            }
            else
            {
                configuration = rules[name].Apply(configuration, value);
            }
        }

        foreach (var (name, value) in hashes)
        {
            AssetHashAnnotations.Verify(configuration.Hypervisor, name, value);
        }

        IReadOnlyList<ConfigProblem> problems = ConfigValidator.Problems(configuration);
        if (problems.Count > 0)
        {
            throw new ConfigException("the sandbox's annotations make its configuration invalid: " + string.Join("; ", problems.Select(p => p.Message)));
        }

        return new AnnotatedConfiguration(configuration, warnings);
    }

    /// <summary>enable_annotations entries are unanchored regular expressions matched against the key after its family prefix.</summary>
    public static bool IsEnabled(IReadOnlyList<string> enableAnnotations, string name)
    {
        foreach (string pattern in enableAnnotations)
        {
            if (Regex.IsMatch(name, pattern, RegexOptions.CultureInvariant, RegexTimeout))
            {
                return true;
            }
        }

        return false;
    }

    private static bool TryFind(string key, out string name, out FrozenDictionary<string, AnnotationRule> rules)
    {
        foreach (var (prefix, familyRules) in Families)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                name = key[prefix.Length..];
                rules = familyRules;
                return true;
            }
        }

        name = "";
        rules = Families[0].Rules;
        return false;
    }

    private static void RefuseImageWithInitrd(IReadOnlyDictionary<string, string> annotations)
    {
        const string Image = AnnotationKeys.HypervisorPrefix + "image";
        const string Initrd = AnnotationKeys.HypervisorPrefix + "initrd";
        if (annotations.TryGetValue(Image, out string? image) && annotations.ContainsKey(Initrd))
        {
            throw new AnnotationException(Image, image, $"cannot be combined with {Initrd}; a sandbox boots from one guest root filesystem");
        }
    }
}
