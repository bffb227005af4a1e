// This file is part of Pardon, a userspace OOM killer for Linux.

using System.Runtime.InteropServices;

internal static partial class Interop
{
    internal static partial class Libc
    {
        // struct passwd (pwd.h): glibc and musl share this layout on LP64.
        [StructLayout(LayoutKind.Sequential)]
        internal unsafe struct Passwd
        {
            internal byte* pw_name;
            internal byte* pw_passwd;
            internal uint pw_uid;
            internal uint pw_gid;
            internal byte* pw_gecos;
            internal byte* pw_dir;
            internal byte* pw_shell;
        }

        // getpwuid_r/getpwnam_r go through NSS, so LDAP or systemd-userdb users resolve like anywhere else.
        [LibraryImport(LibraryName, EntryPoint = "getpwuid_r")]
        internal static unsafe partial int GetPwUidR(uint uid, Passwd* pwd, byte* buf, nuint buflen, Passwd** result);

        [LibraryImport(LibraryName, EntryPoint = "getpwnam_r", StringMarshalling = StringMarshalling.Utf8)]
        internal static unsafe partial int GetPwNamR(string name, Passwd* pwd, byte* buf, nuint buflen, Passwd** result);
    }
}
