# Stand-ins for cgr.dev/chainguard/php:latest (target cli) and :latest-fpm (target fpm): the
# stand-in BASE (cc, or its debug variant) with Debian's PHP CLI and FPM binaries, their
# configuration and extensions, and the shared libraries they load. FPM listens on 9000 and
# writes its pid to /tmp, as a non-root container needs.
ARG MINBASE
ARG BASE
FROM ${MINBASE} AS php
RUN apt-get update -qq \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
      php8.4-cli php8.4-fpm php8.4-xml php8.4-mbstring php8.4-curl > /dev/null \
 && sed -i -e 's#^listen = .*#listen = 9000#' -e 's#^user = .*##' -e 's#^group = .*##' \
      -e 's#^;clear_env = no#clear_env = no#' -e 's#^;catch_workers_output = yes#catch_workers_output = yes#' \
      /etc/php/8.4/fpm/pool.d/www.conf \
 && sed -i -e 's#^pid = .*#pid = /tmp/php-fpm.pid#' -e 's#^error_log = .*#error_log = /proc/self/fd/2#' \
      /etc/php/8.4/fpm/php-fpm.conf \
 && mkdir -p /rootfs/usr/bin /rootfs/usr/sbin /rootfs/usr/lib /rootfs/etc \
 && cp /usr/bin/php8.4 /rootfs/usr/bin/php && cp /usr/sbin/php-fpm8.4 /rootfs/usr/sbin/php-fpm \
 && cp -aL /etc/php /rootfs/etc/ && cp -a /usr/lib/php /rootfs/usr/lib/ \
 && { ldd /usr/bin/php8.4 /usr/sbin/php-fpm8.4; find /usr/lib/php -name '*.so' -exec ldd {} +; } 2>/dev/null \
    | awk '/=> \//{print $3}' | sort -u \
    | while read -r lib; do d=$(dirname "$(readlink -f "$lib")"); mkdir -p "/rootfs$d"; cp -L "$lib" "/rootfs$d/"; done

FROM ${BASE} AS cli
COPY --from=php /rootfs/ /
WORKDIR /app
ENTRYPOINT ["/usr/bin/php"]

FROM ${BASE} AS fpm
COPY --from=php /rootfs/ /
WORKDIR /app
ENTRYPOINT ["/usr/sbin/php-fpm"]
