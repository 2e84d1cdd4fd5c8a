# Stand-in for gcr.io/distroless/javaJDK-debian13: the cc stand-in (BASE) with Debian's OpenJDK
# runtime of the same major and the shared libraries it loads, /usr/bin/java, and the same
# entrypoint as distroless: java -jar.
ARG MINBASE
ARG BASE
FROM ${MINBASE} AS jre
ARG JDK=21
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      openjdk-${JDK}-jre-headless > /dev/null \
 && home=$(readlink -f /usr/lib/jvm/java-${JDK}-openjdk-*) \
 && mkdir -p /rootfs/usr/bin /rootfs/usr/lib/jvm /rootfs/etc/ssl/certs/java \
 && cp -aL "$home" /rootfs/usr/lib/jvm/ \
 && cp -L /etc/ssl/certs/java/cacerts /rootfs/etc/ssl/certs/java/cacerts \
 && ln -s "$home/bin/java" /rootfs/usr/bin/java \
 && find "$home" -name '*.so' -o -path '*/bin/java' | xargs ldd 2>/dev/null | awk '/=> \//{print $3}' | sort -u \
    | while read -r lib; do d=$(dirname "$(readlink -f "$lib")"); mkdir -p "/rootfs$d"; cp -L "$lib" "/rootfs$d/"; done

FROM ${BASE}
COPY --from=jre /rootfs/ /
ENTRYPOINT ["/usr/bin/java", "-jar"]
