using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace GeminiLiveRelay.MockGemini;

/// <summary>
/// A throwaway TLS identity for the mock Gemini on 127.0.0.1, so that a relay speaks <c>wss</c> to it as it does to
/// Google (the published-app smoke test, the load tool's <c>--mock-tls</c>). A relay process trusts it through
/// <c>SSL_CERT_FILE</c> set to <see cref="PemPath"/>, which .NET on Linux reads for its root store: no certificate
/// validation is switched off in the relay.
/// </summary>
public sealed class MockCertificate : IDisposable
{
    private MockCertificate(X509Certificate2 certificate, string pemPath)
    {
        Certificate = certificate;
        PemPath = pemPath;
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>The certificate alone, PEM: the value for the relay's <c>SSL_CERT_FILE</c>.</summary>
    public string PemPath { get; }

    public static MockCertificate Create()
    {
        // P-256: the curve and key size a Google front end negotiates, so the handshake and record costs are alike.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=mock-gemini.load-test", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("localhost");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, false, 0, critical: true));
        var now = DateTimeOffset.UtcNow;
        var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(2));
        var pemPath = Path.Combine(Path.GetTempPath(), $"mock-gemini-{Guid.NewGuid():N}.pem");
        File.WriteAllText(pemPath, certificate.ExportCertificatePem());
        return new MockCertificate(certificate, pemPath);
    }

    public void Dispose()
    {
        Certificate.Dispose();
        File.Delete(PemPath);
    }
}
