using System.Security.Cryptography;
using System.Text.Json.Nodes;

namespace GeminiLiveRelay.Tests.Vertex;

/// <summary>
/// A service-account key file made up for one test: a fresh RSA key (PKCS#8 PEM, as Google issues them) and a
/// <c>token_uri</c> pointing at a <see cref="MockOAuthServer"/>, so the real Google.Apis.Auth flow runs end to end.
/// </summary>
public sealed class ServiceAccountFile : IDisposable
{
    public const string ClientEmail = "relay-test@test-project.iam.gserviceaccount.com";

    private ServiceAccountFile(RSA key, string path)
    {
        Key = key;
        Path = path;
    }

    /// <summary>The key pair; its public half verifies the JWT assertions the relay signs.</summary>
    public RSA Key { get; }

    public string Path { get; }

    public static ServiceAccountFile Create(Uri tokenUri)
    {
        var key = RSA.Create(2048);
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"relay-sa-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, new JsonObject
        {
            ["type"] = "service_account",
            ["project_id"] = "test-project",
            ["private_key_id"] = "0123456789abcdef",
            ["private_key"] = key.ExportPkcs8PrivateKeyPem(),
            ["client_email"] = ClientEmail,
            ["client_id"] = "123456789012345678901",
            ["auth_uri"] = "https://accounts.google.com/o/oauth2/auth",
            ["token_uri"] = tokenUri.AbsoluteUri,
        }.ToJsonString());
        return new ServiceAccountFile(key, path);
    }

    public void Dispose()
    {
        File.Delete(Path);
        Key.Dispose();
    }
}
