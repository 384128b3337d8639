# One image per deployable, from its shaded jar (build it first: ./mvnw package -DskipTests):
#   docker build -f compose/app.Dockerfile --build-arg APP=visibility-indexer -t temporal-cdc/visibility-indexer .
# Configuration by the apps' own APP_* environment variables; /health/live as the health check.
ARG JAVA_IMAGE=eclipse-temurin:21-jre
FROM ${JAVA_IMAGE}
ARG APP
ARG VERSION=0.1.0-SNAPSHOT
ARG PORT=8080
RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --home-dir /opt/app app
COPY --chown=app:app ${APP}/target/${APP}-${VERSION}.jar /opt/app/app.jar
USER app
WORKDIR /opt/app
ENV APP_HTTP_PORT=${PORT} \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"
EXPOSE ${PORT}
# bash's /dev/tcp: the JRE image has no curl; 200 from /health/live or the check fails
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 \
  CMD bash -c 'exec 3<>/dev/tcp/127.0.0.1/${APP_HTTP_PORT} && printf "GET /health/live HTTP/1.0\r\n\r\n" >&3 && head -1 <&3 | grep -q " 200 "'
ENTRYPOINT ["java", "-jar", "/opt/app/app.jar"]
