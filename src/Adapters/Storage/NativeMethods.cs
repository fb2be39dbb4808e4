using System.Runtime.InteropServices;

namespace Orchestration.Adapters.Storage;

/// <summary>POSIX calls the local store needs and .NET does not expose atomically.</summary>
internal static class NativeMethods
{
    /// <summary>errno: the name exists.</summary>
    public const int EEXIST = 17;

    /// <summary>errno: a folder of the path is missing.</summary>
    public const int ENOENT = 2;

    /// <summary>
    /// link(2): creates <paramref name="newPath"/> for the file at <paramref name="oldPath"/>, failing
    /// with EEXIST if the name exists. Unlike File.Move(overwrite: false), which on Unix checks for the
    /// destination and then renames (a race), this is one atomic step.
    /// </summary>
    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Link([MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath, [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath);
}
