<?php

require __DIR__ . '/vendor/autoload.php';

header('Content-Type: text/plain');
echo parse_url($_SERVER['REQUEST_URI'] ?? '/', PHP_URL_PATH) === '/healthz' ? Example\Health::report() : 'hello';
