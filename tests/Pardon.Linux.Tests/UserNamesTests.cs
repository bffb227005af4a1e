// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Globalization;

namespace Pardon.Linux.Tests;

/// <summary>uid ↔ name through NSS, checked against /etc/passwd read the obvious way.</summary>
public sealed class UserNamesTests
{
    private static IEnumerable<(string Name, uint Uid)> Passwd()
        => File.ReadAllLines("/etc/passwd")
            .Select(l => l.Split(':'))
            .Where(f => f.Length >= 3)
            .Select(f => (f[0], uint.Parse(f[2], CultureInfo.InvariantCulture)));

    [Fact]
    public void NameOf_EveryLocalUser_IsItsPasswdName()
    {
        var names = new UserNames();
        foreach ((string name, uint uid) in Passwd().DistinctBy(u => u.Uid))
        {
            Assert.Equal(name, names.NameOf(uid));
            Assert.Equal(name, names.NameOf(uid)); // cached
        }
    }

    [Fact]
    public void NameOf_UnknownUid_IsNull()
    {
        Assert.Null(new UserNames().NameOf(3_999_999_999));
    }

    [Theory]
    [InlineData("root", true, 0u)]
    [InlineData("0", true, 0u)]
    [InlineData("1000", true, 1000u)]                  // numbers need no passwd entry
    [InlineData("4294967295", true, 4294967295u)]
    [InlineData("pardon-unit-no-such-user", false, 0u)]
    [InlineData("-1", false, 0u)]
    [InlineData("", false, 0u)]
    public void TryResolve_NameOrNumber_GivesTheUid(string user, bool ok, uint expected)
    {
        Assert.Equal(ok, UserNames.TryResolve(user, out uint uid));
        if (ok)
        {
            Assert.Equal(expected, uid);
        }
    }

    [Fact]
    public void TryResolve_EveryLocalUser_IsItsPasswdUid()
    {
        foreach ((string name, uint uid) in Passwd())
        {
            Assert.True(UserNames.TryResolve(name, out uint resolved), name);
            Assert.Equal(uid, resolved);
        }
    }
}
