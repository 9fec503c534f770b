# syntax=docker/dockerfile:1
# Build: docker build -t gemini-live-relay .
# Run:   docker run -p 8080:8080 --env-file .env gemini-live-relay

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
# Restore first, from the lock file only, so the layer is cached until a dependency changes.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/GeminiLiveRelay/GeminiLiveRelay.csproj src/GeminiLiveRelay/packages.lock.json src/GeminiLiveRelay/
RUN dotnet restore src/GeminiLiveRelay/GeminiLiveRelay.csproj --locked-mode
COPY appsettings.json ./
COPY wwwroot/ wwwroot/
COPY src/ src/
RUN dotnet publish src/GeminiLiveRelay/GeminiLiveRelay.csproj -c Release -o /app --no-restore

# Chiseled: no shell, no package manager, runs as the non-root "app" user.
FROM mcr.microsoft.com/dotnet/aspnet:10.0-noble-chiseled AS final
WORKDIR /app
COPY --from=build /app .
# Chiseled images carry no time zone database; get_current_time needs IANA zones beyond UTC.
COPY --from=build /usr/share/zoneinfo /usr/share/zoneinfo
ENV ASPNETCORE_ENVIRONMENT=Production \
    ASPNETCORE_HTTP_PORTS=8080
EXPOSE 8080
USER app
ENTRYPOINT ["dotnet", "GeminiLiveRelay.dll"]
