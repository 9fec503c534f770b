# syntax=docker/dockerfile:1
# Build: docker build -t gemini-live-relay .
# Run:   docker run -p 8080:8080 --env-file .env gemini-live-relay
#
# Two stages. The SDK stage restores from the lock files only, compiles the unit-test project (so no image is built
# from a tree whose tests do not compile; they are not run here, the browser tests need Chromium), and publishes the
# app. The test sources are in the build context for that compile alone: the runtime stage copies nothing but the
# publish output. tests/GeminiLiveRelay.Tests/Deployment checks that the publish command, port, user, environment
# and entry point below are the ones its smoke test uses to publish and start the app.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the lock files only, so the layer is cached until a dependency changes. Restoring the test
# project restores the app and the mock Gemini it references too.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/GeminiLiveRelay/GeminiLiveRelay.csproj src/GeminiLiveRelay/packages.lock.json src/GeminiLiveRelay/
COPY tests/GeminiLiveRelay.MockGemini/GeminiLiveRelay.MockGemini.csproj tests/GeminiLiveRelay.MockGemini/packages.lock.json tests/GeminiLiveRelay.MockGemini/
COPY tests/GeminiLiveRelay.Tests/GeminiLiveRelay.Tests.csproj tests/GeminiLiveRelay.Tests/packages.lock.json tests/GeminiLiveRelay.Tests/
RUN dotnet restore tests/GeminiLiveRelay.Tests/GeminiLiveRelay.Tests.csproj --locked-mode
COPY appsettings*.json ./
COPY wwwroot/ wwwroot/
COPY src/ src/
COPY tests/ tests/
RUN dotnet build tests/GeminiLiveRelay.Tests -c Release --no-restore
RUN dotnet publish src/GeminiLiveRelay/GeminiLiveRelay.csproj -c Release --no-restore -o /app

# Chiseled: no shell, no package manager. Health probes therefore come from the orchestrator (GET /healthz, /readyz).
FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled AS final
WORKDIR /app
COPY --from=build /app .
# Chiseled images carry no time zone database; get_current_time needs IANA zones beyond UTC.
COPY --from=build /usr/share/zoneinfo /usr/share/zoneinfo
ENV ASPNETCORE_ENVIRONMENT=Production \
    ASPNETCORE_HTTP_PORTS=8080
EXPOSE 8080
# The non-root "app" user by number (APP_UID, 1654 in .NET images): Kubernetes can check runAsNonRoot only
# against a numeric user.
USER $APP_UID
ENTRYPOINT ["dotnet", "GeminiLiveRelay.dll"]
