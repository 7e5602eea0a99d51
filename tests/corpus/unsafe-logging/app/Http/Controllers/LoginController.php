<?php

namespace App\Http\Controllers;

use Illuminate\Http\Request;
use Illuminate\Support\Facades\Auth;
use Illuminate\Support\Facades\Log;

class LoginController extends Controller
{
    public function login(Request $request)
    {
        Log::info('Login attempt', ['email' => $request->input('email'), 'password' => $request->input('password')]);
        Log::debug('request', $request->all());
        Log::info('Password changed', ['user_id' => $request->user()?->id]);
        if (!Auth::attempt($request->only('email', 'password'))) {
            error_log('Invalid password for ' . $request->input('email'));
            return response()->json(['error' => 'invalid'], 401);
        }
        $token = $request->user()->createToken('web')->plainTextToken;
        error_log("issued token $token");
        error_log('token set: ' . (empty($token) ? 'no' : 'yes'));
        return response()->json(['token' => $token]);
    }

    public function debug(Request $request)
    {
        error_log(print_r($_SERVER, true));
        error_log($_SERVER['REQUEST_URI']);
        var_dump($_POST['password']);
        error_log(file_get_contents('php://input'));
        return response('ok');
    }
}
