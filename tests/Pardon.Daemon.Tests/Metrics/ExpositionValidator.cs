// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;
using System.Text.RegularExpressions;

namespace Pardon.Daemon.Tests.Metrics;

/// <summary>
/// A strict reader of the Prometheus text format 0.0.4 (https://prometheus.io/docs/instrumenting/exposition_formats/),
/// standing in for `promtool check metrics`, which is not installed here. It returns every problem found: lines
/// that are neither `# HELP name text`, `# TYPE name counter|gauge` nor `name{label="value",...} value`; invalid
/// names; bad escapes; a family without exactly one HELP and one TYPE before its samples; a family split in
/// two; a duplicate series; a counter not named `_total` (promtool's lint); for a histogram, `_bucket`
/// samples without `le`, buckets not in increasing `le` order or not cumulative, no `le="+Inf"` bucket,
/// or a `_count` that differs from it.
/// </summary>
public static partial class ExpositionValidator
{
    public static List<string> Validate(string text)
    {
        var problems = new List<string>();
        if (text.Length > 0 && !text.EndsWith('\n'))
        {
            problems.Add("the text does not end with a line feed");
        }

        var help = new HashSet<string>();
        var type = new Dictionary<string, string>();
        var finished = new HashSet<string>();
        var series = new HashSet<string>();
        var histograms = new Dictionary<string, (double Le, double Count, bool Inf)>();
        string? current = null;
        string[] lines = text.Split('\n');
        for (int n = 0; n < lines.Length - 1; n++)
        {
            string line = lines[n];
            string where = $"line {n + 1} \"{line}\"";
            if (line.StartsWith('#'))
            {
                Match m = CommentLine().Match(line);
                if (!m.Success)
                {
                    problems.Add($"{where}: a comment that is neither HELP nor TYPE");
                    continue;
                }

                string name = m.Groups["name"].Value;
                if (current != name)
                {
                    if (current is not null)
                    {
                        finished.Add(current);
                    }

                    if (finished.Contains(name))
                    {
                        problems.Add($"{where}: {name} appears again after other metrics");
                    }

                    current = name;
                }

                if (m.Groups["kind"].Value == "HELP")
                {
                    if (!help.Add(name))
                    {
                        problems.Add($"{where}: a second HELP for {name}");
                    }

                    if (!ValidEscapes(m.Groups["rest"].Value, quotes: false))
                    {
                        problems.Add($"{where}: a bad escape in the HELP text");
                    }
                }
                else
                {
                    string t = m.Groups["rest"].Value;
                    if (t is not ("counter" or "gauge" or "histogram"))
                    {
                        problems.Add($"{where}: type \"{t}\" is not counter, gauge or histogram");
                    }

                    if (!type.TryAdd(name, t))
                    {
                        problems.Add($"{where}: a second TYPE for {name}");
                    }

                    if (t == "counter" && !name.EndsWith("_total", StringComparison.Ordinal))
                    {
                        problems.Add($"{where}: counter {name} is not named _total");
                    }
                }

                continue;
            }

            Match s = SampleLine().Match(line);
            if (!s.Success)
            {
                problems.Add($"{where}: not a sample (name{{labels}} value)");
                continue;
            }

            string metric = s.Groups["name"].Value;
            string sampleName = metric;
            if (current is not null && type.GetValueOrDefault(current) == "histogram" &&
                (metric == current + "_bucket" || metric == current + "_sum" || metric == current + "_count"))
            {
                metric = current;
                CheckHistogramSample(problems, where, current, sampleName, s.Groups["labels"].Value, s.Groups["value"].Value, histograms);
            }

            if (metric != current)
            {
                problems.Add($"{where}: a sample of {metric} outside its family's block");
            }

            if (!help.Contains(metric) || !type.ContainsKey(metric))
            {
                problems.Add($"{where}: {metric} has no HELP and TYPE before its samples");
            }

            string labels = s.Groups["labels"].Value;
            if (!ValidLabels(labels))
            {
                problems.Add($"{where}: malformed labels");
            }

            if (!series.Add(sampleName + labels))
            {
                problems.Add($"{where}: a duplicate series");
            }

            string value = s.Groups["value"].Value;
            if (value is not ("+Inf" or "-Inf" or "NaN") &&
                !double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            {
                problems.Add($"{where}: \"{value}\" is not a float");
            }
        }

        foreach ((string key, (double _, double _, bool inf)) in histograms)
        {
            if (!inf)
            {
                problems.Add($"{key}: no le=\"+Inf\" bucket");
            }
        }

        foreach (string name in help.Union(type.Keys))
        {
            if (!help.Contains(name) || !type.ContainsKey(name))
            {
                problems.Add($"{name} lacks its HELP or its TYPE");
            }
        }

        return problems;
    }

    /// <summary>Per series (the labels without `le`): the last bucket's bound and count, and whether +Inf was seen.</summary>
    private static void CheckHistogramSample(List<string> problems, string where, string family, string name, string labels, string value, Dictionary<string, (double Le, double Count, bool Inf)> state)
    {
        Match le = LeLabel().Match(labels);
        string rest = LeLabel().Replace(labels, "");
        string key = family + (rest == "{}" ? "" : rest);
        double v = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) ? parsed : double.NaN;
        if (name.EndsWith("_bucket", StringComparison.Ordinal))
        {
            if (!le.Success)
            {
                problems.Add($"{where}: a bucket without le");
                return;
            }

            string text = le.Groups["le"].Value;
            double bound = text == "+Inf" ? double.PositiveInfinity : double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
            (double lastLe, double lastCount, bool inf) = state.GetValueOrDefault(key, (double.NegativeInfinity, 0, false));
            if (inf || bound <= lastLe)
            {
                problems.Add($"{where}: buckets are not in increasing le order");
            }

            if (v < lastCount)
            {
                problems.Add($"{where}: buckets are not cumulative");
            }

            state[key] = (bound, v, double.IsPositiveInfinity(bound));
        }
        else if (name.EndsWith("_count", StringComparison.Ordinal) && state.TryGetValue(key, out var last) && last.Inf && last.Count != v)
        {
            problems.Add($"{where}: _count {value} differs from the +Inf bucket {last.Count}");
        }
    }

    private static bool ValidLabels(string labels)
    {
        if (labels.Length == 0)
        {
            return true;
        }

        Match m = LabelSet().Match(labels);
        if (!m.Success)
        {
            return false;
        }

        var names = new HashSet<string>();
        foreach (Capture c in m.Groups["lname"].Captures)
        {
            if (!names.Add(c.Value) || c.Value.StartsWith("__", StringComparison.Ordinal))
            {
                return false;
            }
        }

        return m.Groups["lvalue"].Captures.All(c => ValidEscapes(c.Value, quotes: true));
    }

    private static bool ValidEscapes(string text, bool quotes)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\')
            {
                if (i + 1 >= text.Length || !(text[i + 1] is '\\' or 'n' || (quotes && text[i + 1] == '"')))
                {
                    return false;
                }

                i++;
            }
            else if (text[i] == '\n' || (quotes && text[i] == '"'))
            {
                return false;
            }
        }

        return true;
    }

    [GeneratedRegex(@",?le=""(?<le>[^""]*)""")]
    private static partial Regex LeLabel();

    [GeneratedRegex(@"^# (?<kind>HELP|TYPE) (?<name>[a-zA-Z_:][a-zA-Z0-9_:]*) (?<rest>.*)$")]
    private static partial Regex CommentLine();

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(?<labels>\{[^\n]*\})? (?<value>\S+)( -?[0-9]+)?$")]
    private static partial Regex SampleLine();

    [GeneratedRegex(@"^\{((?<lname>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<lvalue>(?:[^""\\]|\\.)*)"")(,(?<lname>[a-zA-Z_][a-zA-Z0-9_]*)=""(?<lvalue>(?:[^""\\]|\\.)*)"")*,?\}$")]
    private static partial Regex LabelSet();
}
