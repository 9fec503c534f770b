using System.Globalization;
using System.Net;
using GeminiLiveRelay.Relay;
using GeminiLiveRelay.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using static GeminiLiveRelay.Tests.Deployment.KubernetesManifests;

namespace GeminiLiveRelay.Tests.Deployment;

/// <summary>
/// deploy/kubernetes parses, and agrees with the image and the app: ports, probe paths the app really serves, a grace
/// period that covers the drain, the Secret the app reads its key from, and a key ring shared by every replica.
/// </summary>
public sealed class KubernetesManifestTests
{
    [Fact]
    public void EveryManifest_Parses_AndKustomizationListsAllButTheExampleSecret()
    {
        Assert.Contains("deployment.yaml", All.Keys);
        foreach (var (file, documents) in All)
        {
            Assert.NotEmpty(documents);
            Assert.All(documents, d => Assert.False(string.IsNullOrEmpty(Scalar(d, "kind")), file + ": no kind"));
            Assert.All(documents, d => Assert.False(string.IsNullOrEmpty(Scalar(d, "apiVersion")), file + ": no apiVersion"));
        }

        var resources = ((YamlDotNet.RepresentationModel.YamlSequenceNode)Node(Kind("Kustomization"), "resources")).Children
            .Select(n => n.ToString());
        string[] expected = [.. All.Keys.Where(f => f is not "kustomization.yaml" and not "secret.example.yaml")];
        Assert.Equal(expected.Order(StringComparer.Ordinal), resources.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ContainerPort_IsTheImagesPort_AndTheServiceAndIngressReachIt()
    {
        var http = Assert.Single(Items(Container(), "ports"), p => Scalar(p, "name") == "http");
        Assert.Equal(PublishedImage.Port.ToString(CultureInfo.InvariantCulture), Scalar(http, "containerPort"));

        var servicePort = Assert.Single(Items(Kind("Service"), "spec", "ports"));
        Assert.Equal("http", Scalar(servicePort, "targetPort"));
        var backend = Node(Items(Items(Kind("Ingress"), "spec", "rules").Single(), "http", "paths").Single(), "backend", "service");
        Assert.Equal(Scalar(Kind("Service"), "metadata", "name"), Scalar(backend, "name"));
        Assert.Equal(Scalar(servicePort, "name"), Scalar(backend, "port", "name"));
    }

    [Fact]
    public void Selectors_MatchThePodLabels()
    {
        var labels = Node(Kind("Deployment"), "spec", "template", "metadata", "labels").ToString();

        Assert.Equal(labels, Node(Kind("Deployment"), "spec", "selector", "matchLabels").ToString());
        Assert.Equal(labels, Node(Kind("Service"), "spec", "selector").ToString());
        Assert.Equal(labels, Node(Kind("PodDisruptionBudget"), "spec", "selector", "matchLabels").ToString());
        Assert.Equal(Scalar(Kind("Deployment"), "metadata", "name"), Scalar(Kind("HorizontalPodAutoscaler"), "spec", "scaleTargetRef", "name"));
    }

    [Fact]
    public async Task Probes_AskPathsTheAppAnswers()
    {
        using var timeout = TestTimeout.Create();
        var container = Container();
        Assert.Equal("/readyz", Scalar(container, "readinessProbe", "httpGet", "path"));
        Assert.Equal("/healthz", Scalar(container, "livenessProbe", "httpGet", "path"));
        Assert.Equal("http", Scalar(container, "readinessProbe", "httpGet", "port"));
        Assert.Equal("http", Scalar(container, "livenessProbe", "httpGet", "port"));

        await using var relay = new RelayApplication(geminiBaseUrl: null);
        using var client = new HttpClient();
        foreach (var path in new[] { "/readyz", "/healthz" })
        {
            var response = await client.GetAsync(relay.HttpUri(path), timeout.Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(timeout.Token));
        }
    }

    [Fact]
    public async Task Metrics_AreScrapedOnTheirOwnPort_WhichTheAppKeepsOffThePublicOne()
    {
        using var timeout = TestTimeout.Create();
        var annotations = Node(Kind("Deployment"), "spec", "template", "metadata", "annotations");
        var environment = Environment();
        var metricsPort = Scalar(annotations, "prometheus.io/port");

        Assert.Equal("/metrics", Scalar(annotations, "prometheus.io/path"));
        Assert.Equal(metricsPort, environment["Observability__Prometheus__Port"]);
        Assert.Equal(metricsPort, Scalar(Assert.Single(Items(Container(), "ports"), p => Scalar(p, "name") == "metrics"), "containerPort"));
        Assert.Equal([PublishedImage.Port.ToString(CultureInfo.InvariantCulture), metricsPort!], environment["ASPNETCORE_HTTP_PORTS"]!.Split(';'));
        Assert.DoesNotContain(Items(Kind("Service"), "spec", "ports"), p => Scalar(p, "targetPort") is "metrics" || Scalar(p, "targetPort") == metricsPort);

        // The relay's listener is not the metrics port, as the Ingress's would not be: /metrics is not there.
        await using var relay = new RelayApplication(geminiBaseUrl: null, new() { ["Observability:Prometheus:Port"] = metricsPort });
        using var client = new HttpClient();
        var response = await client.GetAsync(relay.HttpUri("/metrics"), timeout.Token);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public void GracePeriod_CoversPreStopSleep_Drain_AndClose()
    {
        var relay = new RelayOptions();
        new ConfigurationBuilder().AddJsonFile(RepositoryRoot.File("appsettings.json")).Build()
            .GetSection(RelayOptions.SectionName).Bind(relay);
        var pod = Node(Kind("Deployment"), "spec", "template", "spec");
        var grace = int.Parse(Scalar(pod, "terminationGracePeriodSeconds")!, CultureInfo.InvariantCulture);
        var container = Container();

        // A sleep action, not exec: the chiseled image has no shell and no sleep binary.
        Assert.False(Has(container, "lifecycle", "preStop", "exec"));
        var preStop = int.Parse(Scalar(container, "lifecycle", "preStop", "sleep", "seconds")!, CultureInfo.InvariantCulture);
        // The host's own shutdown budget (RelayServiceCollectionExtensions): drain + close + 5 s.
        var needed = TimeSpan.FromSeconds(preStop) + relay.ShutdownDrainPeriod + relay.CloseTimeout + TimeSpan.FromSeconds(5);
        Assert.True(grace >= needed.TotalSeconds, $"terminationGracePeriodSeconds {grace} < {needed.TotalSeconds} (preStop + drain + close)");
    }

    [Fact]
    public async Task ApiKey_ComesFromTheSecret_UnderTheNameTheAppReads()
    {
        using var timeout = TestTimeout.Create();
        var secret = Assert.Single(All["secret.example.yaml"]);
        var keyName = Assert.Single(((YamlDotNet.RepresentationModel.YamlMappingNode)Node(secret, "stringData")).Children).Key.ToString();
        var variable = Assert.Single(Items(Container(), "env"), e => Has(e, "valueFrom"));

        Assert.Equal("GEMINI_API_KEY", keyName);
        Assert.Equal(keyName, Scalar(variable, "name"));
        Assert.Equal(keyName, Scalar(variable, "valueFrom", "secretKeyRef", "key"));
        Assert.Equal(Scalar(secret, "metadata", "name"), Scalar(variable, "valueFrom", "secretKeyRef", "name"));
        Assert.DoesNotContain("AIza", Scalar(secret, "stringData", keyName), StringComparison.Ordinal); // Google keys start so

        // Production refuses to start without a key: it starts with the key under that name alone.
        await using var relay = new RelayApplication(geminiBaseUrl: null, new()
        {
            [keyName] = "from-the-secret",
            ["Relay:Auth:Mode"] = "none",
        }, environment: "Production");
        using var client = new HttpClient();
        var response = await client.GetAsync(relay.HttpUri("/readyz"), timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task DeploymentEnvironment_PassesProductionStartUpValidation()
    {
        using var timeout = TestTimeout.Create();
        var settings = Environment()
            // Host-level variables (the test host picks its own port), and a key folder this machine can write.
            .Where(e => !e.Key.StartsWith("ASPNETCORE_", StringComparison.Ordinal))
            .ToDictionary(e => e.Key.Replace("__", ":", StringComparison.Ordinal), e => e.Value);
        settings["Observability:Prometheus:Port"] = null;
        settings["Relay:DataProtectionKeysPath"] = Directory.CreateTempSubdirectory("relay-keys-").FullName;
        settings["GEMINI_API_KEY"] = "from-the-secret";

        try
        {
            await using var relay = new RelayApplication(geminiBaseUrl: null, settings, environment: "Production");
            using var client = new HttpClient();
            var response = await client.GetAsync(relay.HttpUri("/readyz"), timeout.Token);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            Directory.Delete(settings["Relay:DataProtectionKeysPath"]!, recursive: true);
        }
    }

    [Fact]
    public void ResumeTokenKeys_LiveOnAVolumeEveryReplicaShares()
    {
        var keysPath = Environment()["Relay__DataProtectionKeysPath"];
        var mount = Assert.Single(Items(Container(), "volumeMounts"), m => Scalar(m, "mountPath") == keysPath);
        var volume = Assert.Single(Items(Kind("Deployment"), "spec", "template", "spec", "volumes"), v => Scalar(v, "name") == Scalar(mount, "name"));
        var claim = Kind("PersistentVolumeClaim");

        Assert.Equal(Scalar(claim, "metadata", "name"), Scalar(volume, "persistentVolumeClaim", "claimName"));
        Assert.Contains("ReadWriteMany", ((YamlDotNet.RepresentationModel.YamlSequenceNode)Node(claim, "spec", "accessModes")).Children.Select(n => n.ToString()));
        Assert.True(int.Parse(Scalar(Kind("Deployment"), "spec", "replicas")!, CultureInfo.InvariantCulture) >= 2);
    }

    [Fact]
    public void Container_RunsAsTheImagesNonRootUser_OnAReadOnlyRoot()
    {
        var pod = Node(Kind("Deployment"), "spec", "template", "spec", "securityContext");
        var container = Node(Container(), "securityContext");

        Assert.Equal("true", Scalar(pod, "runAsNonRoot"));
        Assert.Equal(PublishedImage.UserId.ToString(CultureInfo.InvariantCulture), Scalar(pod, "runAsUser"));
        Assert.Equal("true", Scalar(container, "readOnlyRootFilesystem"));
        Assert.Equal("false", Scalar(container, "allowPrivilegeEscalation"));
        Assert.Contains(Items(Container(), "volumeMounts"), m => Scalar(m, "mountPath") == "/tmp");
    }

    [Fact]
    public void Ingress_AndNginx_KeepQuietWebSocketsOpenForAnHour()
    {
        var annotations = Node(Kind("Ingress"), "metadata", "annotations");
        Assert.Equal("3600", Scalar(annotations, "nginx.ingress.kubernetes.io/proxy-read-timeout"));
        Assert.Equal("3600", Scalar(annotations, "nginx.ingress.kubernetes.io/proxy-send-timeout"));

        var nginx = File.ReadAllText(RepositoryRoot.File("deploy", "nginx.conf"));
        foreach (var directive in new[]
        {
            "map $http_upgrade $connection_upgrade",
            "proxy_http_version 1.1;",
            "proxy_set_header Upgrade $http_upgrade;",
            "proxy_set_header Connection $connection_upgrade;",
            "proxy_read_timeout 3600s;",
            "proxy_send_timeout 3600s;",
            "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
            "proxy_set_header X-Forwarded-Proto $scheme;",
            $"server 127.0.0.1:{PublishedImage.Port};",
        })
        {
            Assert.Contains(directive, nginx, StringComparison.Ordinal);
        }
    }
}
