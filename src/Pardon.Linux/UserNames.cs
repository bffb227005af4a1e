// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.InteropServices;

namespace Pardon.Linux;

/// <summary>uid ↔ user name through the C library's NSS (getpwuid_r/getpwnam_r), cached.</summary>
public sealed unsafe class UserNames
{
    private readonly Dictionary<uint, string?> _names = [];

    public string? NameOf(uint uid)
    {
        if (_names.TryGetValue(uid, out string? name))
        {
            return name;
        }

        name = Lookup(uid);
        _names[uid] = name;
        return name;
    }

    private static string? Lookup(uint uid)
    {
        byte[] buffer = new byte[16 * 1024];
        Interop.Libc.Passwd pwd;
        Interop.Libc.Passwd* result = null;
        fixed (byte* b = buffer)
        {
            int rc = Interop.Libc.GetPwUidR(uid, &pwd, b, (nuint)buffer.Length, &result);
            return rc == 0 && result != null ? Marshal.PtrToStringUTF8((nint)pwd.pw_name) : null;
        }
    }

    /// <summary>Resolves a user name, or a decimal uid, to a uid.</summary>
    public static bool TryResolve(string user, out uint uid)
    {
        if (uint.TryParse(user, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out uid))
        {
            return true;
        }

        byte[] buffer = new byte[16 * 1024];
        Interop.Libc.Passwd pwd;
        Interop.Libc.Passwd* result = null;
        fixed (byte* b = buffer)
        {
            int rc = Interop.Libc.GetPwNamR(user, &pwd, b, (nuint)buffer.Length, &result);
            if (rc == 0 && result != null)
            {
                uid = pwd.pw_uid;
                return true;
            }
        }

        return false;
    }
}
