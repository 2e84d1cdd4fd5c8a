<?php

namespace Example;

/**
 * The answer of /healthz: the uid, the PHP version, the SAPI, whether the code and the
 * application directory are writable, and whether a file can be written in cache/ (the
 * directory the repository keeps empty).
 */
final class Health
{
    public static function report(): string
    {
        $writable = is_writable(__FILE__) ? 'yes' : 'no';
        $app = is_writable(dirname(__DIR__)) ? 'yes' : 'no';
        $cache = @file_put_contents(dirname(__DIR__) . '/cache/probe', 'x') === 1 ? 'yes' : 'no';
        return sprintf('ok uid=%d php=%d.%d sapi=%s code-writable=%s app-writable=%s cache-written=%s', posix_getuid(), PHP_MAJOR_VERSION, PHP_MINOR_VERSION, PHP_SAPI, $writable, $app, $cache);
    }
}
