using System.Net;
using System.Security;

namespace MuseumSync.Storage;

/// <summary>
/// A database login kept out of the connection string: the password stays a <see cref="SecureString"/> until the driver
/// opens a connection (SqlClient takes it as a <c>SqlCredential</c>; Npgsql asks for it through a password provider).
/// </summary>
public sealed class StoreCredential
{
    private readonly SecureString _password;

    /// <summary>Creates the credential; the password is copied and made read-only.</summary>
    public StoreCredential(string userName, SecureString password)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userName);
        ArgumentNullException.ThrowIfNull(password);
        UserName = userName;
        _password = password.Copy();
        _password.MakeReadOnly();
    }

    /// <summary>The login name.</summary>
    public string UserName { get; }

    /// <summary>The password, read-only.</summary>
    public SecureString Password => _password;

    /// <summary>The password as text, for the driver, at the moment it connects. Never log it.</summary>
    internal string RevealPassword() => new NetworkCredential(string.Empty, _password).Password;

    /// <inheritdoc />
    public override string ToString() => UserName;
}
