using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace GeminiLiveRelay.Tests.Vertex;

/// <summary>The JWT a service account signs for its token request (RFC 7523), split and checked against a public key.</summary>
public sealed record JwtAssertion(JsonObject Header, JsonObject Payload, bool SignatureValid)
{
    public static JwtAssertion Parse(string jwt, RSA publicKey)
    {
        ArgumentNullException.ThrowIfNull(jwt);
        ArgumentNullException.ThrowIfNull(publicKey);
        var parts = jwt.Split('.');
        Assert.Equal(3, parts.Length);
        var valid = publicKey.VerifyData(
            Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), FromBase64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return new JwtAssertion(
            (JsonObject)JsonNode.Parse(FromBase64Url(parts[0]))!,
            (JsonObject)JsonNode.Parse(FromBase64Url(parts[1]))!,
            valid);
    }

    private static byte[] FromBase64Url(string value)
    {
        var base64 = value.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(base64.PadRight(base64.Length + ((4 - (base64.Length % 4)) % 4), '='));
    }
}
