// This file is part of Pardon, a userspace OOM killer for Linux.

namespace Pardon.Core.Tests;

public sealed class PrintableTests
{
    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("max_\n\u007feZval", "max_\\n\\x7feZval")]   // the key AFL++ found in a configuration
    [InlineData("a\r\nb\tc\u001b[2J", "a\\r\\nb\\tc\\x1b[2J")]
    [InlineData("héllo ✓", "héllo ✓")]
    [InlineData("", "")]
    [InlineData("csi\u009b2J", "csi\\x9b2J")]   // a C1 control alone (a terminal's CSI) was returned as it was
    public void Escape_ControlCharacters_BecomeVisible_OneLine(string text, string expected)
    {
        string escaped = Printable.Escape(text);

        Assert.Equal(expected, escaped);
        Assert.DoesNotContain('\n', escaped);
    }
}
