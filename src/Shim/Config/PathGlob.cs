namespace AotShim.Shim.Config;

/// <summary>
/// Go's filepath.Match, which kata uses for valid_* lists: '*' and '?' never cross '/', '[...]' classes
/// with ranges and '^' negation, '\' escapes.
/// </summary>
public static class PathGlob
{
    /// <summary>Whether the pattern is well formed (kata rejects ErrBadPattern).</summary>
    public static bool IsValid(string pattern) => TryMatch(pattern, "", out _);

    public static bool IsMatch(string pattern, string name) => TryMatch(pattern, name, out bool matched) && matched;

    private static bool TryMatch(string pattern, string name, out bool matched)
    {
        matched = false;
        bool valid = MatchFrom(pattern, 0, name, 0, ref matched);
        return valid && ValidateRest(pattern);
    }

    private static bool MatchFrom(string pattern, int p, string name, int n, ref bool matched)
    {
        while (p < pattern.Length)
        {
            char c = pattern[p];
            if (c == '*')
            {
                while (p < pattern.Length && pattern[p] == '*')
                {
                    p++;
                }

                for (int end = n; ; end++)
                {
                    bool sub = false;
                    if (!MatchFrom(pattern, p, name, end, ref sub))
                    {
                        return false;
                    }

                    if (sub)
                    {
                        matched = true;
                        return true;
                    }

                    if (end >= name.Length || name[end] == '/')
                    {
                        return true;
                    }
                }
            }

            if (n >= name.Length)
            {
                return true;
            }

            if (c == '?')
            {
                if (name[n] == '/')
                {
                    return true;
                }

                p++;
            }
            else if (c == '[')
            {
                if (!MatchClass(pattern, ref p, name[n], out bool inClass))
                {
                    return false;
                }

                if (!inClass || name[n] == '/')
                {
                    return true;
                }
            }
            else
            {
                if (c == '\\')
                {
                    if (++p >= pattern.Length)
                    {
                        return false;
                    }

                    c = pattern[p];
                }

                if (c != name[n])
                {
                    return true;
                }

                p++;
            }

            n++;
        }

        matched = n == name.Length;
        return true;
    }

    /// <summary>Parses "[...]" at p (moving p past it) and tests <paramref name="ch"/>; false for a malformed class.</summary>
    private static bool MatchClass(string pattern, ref int p, char ch, out bool inClass)
    {
        inClass = false;
        p++;
        bool negated = p < pattern.Length && pattern[p] == '^';
        if (negated)
        {
            p++;
        }

        bool any = false;
        bool first = true;
        while (true)
        {
            if (p >= pattern.Length)
            {
                return false;
            }

            if (pattern[p] == ']' && !first)
            {
                p++;
                break;
            }

            first = false;
            if (!ClassChar(pattern, ref p, out char low))
            {
                return false;
            }

            char high = low;
            if (p < pattern.Length && pattern[p] == '-')
            {
                p++;
                if (!ClassChar(pattern, ref p, out high))
                {
                    return false;
                }
            }

            any |= low <= ch && ch <= high;
        }

        inClass = any != negated;
        return true;
    }

    private static bool ClassChar(string pattern, ref int p, out char value)
    {
        value = '\0';
        if (p >= pattern.Length || pattern[p] is '-' or ']')
        {
            return false;
        }

        if (pattern[p] == '\\' && ++p >= pattern.Length)
        {
            return false;
        }

        value = pattern[p++];
        return true;
    }

    /// <summary>Go reports a bad pattern even when matching stopped early; scan the whole pattern once.</summary>
    private static bool ValidateRest(string pattern)
    {
        int p = 0;
        while (p < pattern.Length)
        {
            if (pattern[p] == '\\')
            {
                if (p + 1 >= pattern.Length)
                {
                    return false;
                }

                p += 2;
            }
            else if (pattern[p] == '[')
            {
                if (!MatchClass(pattern, ref p, '\0', out _))
                {
                    return false;
                }
            }
            else
            {
                p++;
            }
        }

        return true;
    }
}
