using System.Runtime.InteropServices;

namespace Orchestration.Adapters.Storage;

/// <summary>POSIX calls the local store needs and .NET does not expose atomically.</summary>
internal static class NativeMethods
{
    /// <summary>errno: the name exists.</summary>
    public const int EEXIST = 17;

    /// <summary>errno: a folder of the path is missing.</summary>
    public const int ENOENT = 2;

    /// <summary>errno: operation not permitted (user attributes on a file that cannot have them).</summary>
    public const int EPERM = 1;

    /// <summary>errno: the file system does not support the operation (extended attributes).</summary>
    public const int ENOTSUP = 95;

    /// <summary>errno: the file has no extended attribute of that name.</summary>
    public const int ENODATA = 61;

    /// <summary>errno: the buffer is smaller than the attribute's value.</summary>
    public const int ERANGE = 34;

    /// <summary>
    /// link(2): creates <paramref name="newPath"/> for the file at <paramref name="oldPath"/>, failing
    /// with EEXIST if the name exists. Unlike File.Move(overwrite: false), which on Unix checks for the
    /// destination and then renames (a race), this is one atomic step.
    /// </summary>
    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int Link([MarshalAs(UnmanagedType.LPUTF8Str)] string oldPath, [MarshalAs(UnmanagedType.LPUTF8Str)] string newPath);

    /// <summary>setxattr(2) (Linux): sets the extended attribute <paramref name="name"/> of the file at <paramref name="path"/>.</summary>
    [DllImport("libc", EntryPoint = "setxattr", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern int SetAttribute([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, byte[] value, nuint size, int flags);

    /// <summary>getxattr(2) (Linux): reads the extended attribute <paramref name="name"/> into <paramref name="value"/>
    /// (its length with a zero <paramref name="size"/>); the value's length, or -1.</summary>
    [DllImport("libc", EntryPoint = "getxattr", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static extern nint GetAttribute([MarshalAs(UnmanagedType.LPUTF8Str)] string path, [MarshalAs(UnmanagedType.LPUTF8Str)] string name, byte[]? value, nuint size);
}
